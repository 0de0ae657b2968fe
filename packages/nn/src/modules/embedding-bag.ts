import { checkOptions, fmtShape, noGrad, ShapeError, type Tensor, ValueError } from '@tensile/core';
import { embeddingBag, type EmbeddingBagMode } from '../functional/embedding-bag.js';
import { normalizePaddingIdx } from '../functional/layer-checks.js';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface EmbeddingBagLayerOptions extends FactoryOptions {
  /** Each forward first scales the rows it picks down to this normType-norm, in weight itself. */
  maxNorm?: number | null;
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input (not with mode 'max'). */
  scaleGradByFreq?: boolean;
  /** 'mean' (the default), 'sum' or 'max'. */
  mode?: EmbeddingBagMode;
  /** Only false: sparse gradients are not supported. */
  sparse?: boolean;
  /** offsets has one entry more than there are bags: its last is where the last bag ends. */
  includeLastOffset?: boolean;
  /** Indices equal to it are left out of their bags; that row is initialized to zeros. Negative counts from the end. */
  paddingIdx?: number | null;
}

type Args = EmbeddingBagLayerOptions & { numEmbeddings: number; embeddingDim: number };
const KEYS = ['maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'includeLastOffset', 'paddingIdx'] as const;

/**
 * Sums, means or maxima of bags of embeddings (PyTorch's nn.EmbeddingBag):
 * `bag(input, offsets?, perSampleWeights?)` with a 2-D input [bags, n] or a
 * 1-D input and the int32 start of each bag; weight [numEmbeddings,
 * embeddingDim] is initialized from N(0, 1).
 */
export class EmbeddingBag extends Module<[Tensor, (Tensor | null)?, (Tensor | null)?], Tensor> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly mode: EmbeddingBagMode;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingBagLayerOptions);
  constructor(options: Args);
  constructor(...args: [number, number, EmbeddingBagLayerOptions?] | [Args]) {
    super();
    const o = layerArgs<Args>('EmbeddingBag', args, ['numEmbeddings', 'embeddingDim'], [...KEYS, ...FACTORY_KEYS]);
    this.numEmbeddings = checkSize('EmbeddingBag', 'numEmbeddings', o.numEmbeddings, true);
    this.embeddingDim = checkSize('EmbeddingBag', 'embeddingDim', o.embeddingDim, true);
    this.paddingIdx = o.paddingIdx === undefined || o.paddingIdx === null ? null : normalizePaddingIdx('EmbeddingBag', o.paddingIdx, this.numEmbeddings);
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.mode = o.mode ?? 'mean';
    if (this.mode !== 'sum' && this.mode !== 'mean' && this.mode !== 'max') throw new ValueError(`EmbeddingBag: mode has to be one of sum, mean or max, got ${String(this.mode)}`);
    if (this.mode === 'max' && this.scaleGradByFreq) throw new ValueError('EmbeddingBag: max mode does not support scaling the gradient by the frequency');
    if (o.sparse) throw new ValueError('EmbeddingBag: sparse gradients are not supported (sparse: true)');
    this.includeLastOffset = o.includeLastOffset ?? false;
    this.weight = new Parameter(factoryFull([this.numEmbeddings, this.embeddingDim], 0, o));
    this.resetParameters();
  }

  /** An EmbeddingBag holding a copy of a 2-D tensor (PyTorch's from_pretrained); frozen unless freeze is false. */
  static fromPretrained(embeddings: Tensor, options?: { freeze?: boolean } & Omit<EmbeddingBagLayerOptions, 'device' | 'dtype'>): EmbeddingBag {
    const o = checkOptions('EmbeddingBag.fromPretrained', options, ['freeze', ...KEYS]);
    if (embeddings.ndim !== 2) throw new ShapeError(`EmbeddingBag.fromPretrained: embeddings must be 2-D, got shape ${fmtShape(embeddings.shape)}`);
    const [num, dim] = embeddings.shape as [number, number];
    const { freeze, ...rest } = o;
    const e = new EmbeddingBag(num, dim, { ...rest, dtype: embeddings.dtype, device: embeddings.device });
    noGrad(() => e.weight.copy_(embeddings));
    e.weight.requiresGrad_(!(freeze ?? true));
    return e;
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.weight.select(0, this.paddingIdx);
      noGrad(() => row.fill_(0));
      row.dispose();
    }
  }

  forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    return embeddingBag(input, this.weight, offsets ?? null, {
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      mode: this.mode,
      perSampleWeights: perSampleWeights ?? null,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode='${this.mode}'${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}${this.includeLastOffset ? ', includeLastOffset=true' : ''}`;
  }
}
