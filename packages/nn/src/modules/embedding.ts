import { checkOptions, fmtShape, noGrad, ShapeError, type Tensor, ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/layers.js';
import * as checks from '../functional/layer-checks.js';
import { normal_ } from '../init.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface EmbeddingOptions extends FactoryOptions {
  /** A row whose gradient is always 0 (negative counts from the end); initialized to zeros. */
  paddingIdx?: number | null;
  /** Each forward first scales the rows it picks down to this normType-norm, in weight itself (PyTorch's max_norm). */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the batch. */
  scaleGradByFreq?: boolean;
  /** Only false: sparse gradients are not supported. */
  sparse?: boolean;
}

/**
 * A lookup table: int32 indices of any shape pick rows of weight
 * [numEmbeddings, embeddingDim] (initialized from N(0, 1)).
 */
export class Embedding extends Module<[Tensor], Tensor> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  constructor(options: EmbeddingOptions & { numEmbeddings: number; embeddingDim: number });
  constructor(...args: [number, number, EmbeddingOptions?] | [EmbeddingOptions & { numEmbeddings: number; embeddingDim: number }]) {
    super();
    const o = layerArgs<EmbeddingOptions & { numEmbeddings: number; embeddingDim: number }>('Embedding', args, ['numEmbeddings', 'embeddingDim'], [
      'paddingIdx',
      'maxNorm',
      'normType',
      'scaleGradByFreq',
      'sparse',
      ...FACTORY_KEYS,
    ]);
    const numEmbeddings = (this.numEmbeddings = checkSize('Embedding', 'numEmbeddings', o.numEmbeddings, true));
    const embeddingDim = (this.embeddingDim = checkSize('Embedding', 'embeddingDim', o.embeddingDim, true));
    this.paddingIdx = o.paddingIdx === undefined || o.paddingIdx === null ? null : checks.normalizePaddingIdx('Embedding', o.paddingIdx, numEmbeddings);
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    if (o.sparse) throw new ValueError('Embedding: sparse gradients are not supported (sparse: true)');
    this.weight = new Parameter(factoryFull([numEmbeddings, embeddingDim], 0, o));
    this.resetParameters();
  }

  /**
   * An Embedding holding a copy of a [numEmbeddings, embeddingDim] tensor
   * (PyTorch's from_pretrained); frozen (no gradient) unless freeze is false.
   * The paddingIdx row keeps its values here.
   */
  static fromPretrained(
    embeddings: Tensor,
    options?: { freeze?: boolean } & Pick<EmbeddingOptions, 'paddingIdx' | 'maxNorm' | 'normType' | 'scaleGradByFreq' | 'sparse'>,
  ): Embedding {
    const o = checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
    if (embeddings.ndim !== 2) throw new ShapeError(`Embedding.fromPretrained: embeddings must be 2-D, got shape ${fmtShape(embeddings.shape)}`);
    const [num, dim] = embeddings.shape as [number, number];
    const { freeze, ...rest } = o;
    void freeze;
    const e = new Embedding(num, dim, { ...rest, paddingIdx: o.paddingIdx ?? null, dtype: embeddings.dtype, device: embeddings.device });
    noGrad(() => e.weight.copy_(embeddings));
    e.weight.requiresGrad_(!(o.freeze ?? true));
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

  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, this.paddingIdx, { maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}${this.scaleGradByFreq ? ', scaleGradByFreq=true' : ''}`;
  }
}
