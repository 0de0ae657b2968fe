// MultiheadAttention and the Transformer layers, as torch.nn's: PyTorch's state-dict names
// (in_proj_weight, out_proj.weight, self_attn.in_proj_weight, linear1.weight, norm1.weight,
// layers.0. ...), its initialisation and its mask conventions (bool true = not allowed).
import { full, ShapeError, type Tensor, tidy, transpose, triu, ValueError, checkOptions } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';
import * as F from '../functional/layers.js';
import { multiHeadAttentionForward } from '../functional/attention.js';
import { checkDropoutP } from '../functional/layer-checks.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Biases of the input and output projections (default true). */
  bias?: boolean;
  /** Learned bias_k and bias_v appended to the keys and values (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value (default false). */
  addZeroAttn?: boolean;
  /** Feature size of key (default embedDim); different from embedDim gives separate q/k/v projection weights. */
  kdim?: number | null;
  /** Feature size of value (default embedDim). */
  vdim?: number | null;
  /** Inputs and output as [N, L, E] instead of [L, N, E] (default false); unbatched inputs are unaffected. */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] ([S] unbatched): bool true marks keys to ignore; a float mask is added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: bool true is NOT allowed to attend (the opposite of scaledDotProductAttention); a float mask is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** PyTorch 2.x's hint that attnMask is causal; attnMask is required and is what is applied. */
  isCausal?: boolean;
}

const MHA_FORWARD_KEYS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'];

type MHAArgs = MultiheadAttentionOptions & { embedDim: number; numHeads: number };

/**
 * PyTorch's nn.MultiheadAttention: forward(query, key, value, options) returns
 * [output, weights | null]. Parameters in_proj_weight [3E, E] (or q_proj_weight, k_proj_weight,
 * v_proj_weight when kdim / vdim differ from embedDim), in_proj_bias [3E], out_proj.weight,
 * out_proj.bias, and bias_k, bias_v [1, 1, E] with addBiasKv.
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  /** Whether key and value have embedDim features (one packed in_proj_weight). */
  readonly qkvSameEmbedDim: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: Linear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  constructor(options: MHAArgs);
  constructor(...args: [number, number, MultiheadAttentionOptions?] | [MHAArgs]) {
    super();
    const op = 'MultiheadAttention';
    const o = layerArgs<MHAArgs>(op, args, ['embedDim', 'numHeads'], ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst', ...FACTORY_KEYS]);
    const E = (this.embedDim = checkSize(op, 'embedDim', o.embedDim));
    const H = (this.numHeads = checkSize(op, 'numHeads', o.numHeads));
    this.headDim = Math.floor(E / H);
    if (this.headDim * H !== E) throw new ValueError(`${op}: embed_dim must be divisible by num_heads (embedDim ${E}, numHeads ${H})`);
    this.kdim = checkSize(op, 'kdim', o.kdim ?? E);
    this.vdim = checkSize(op, 'vdim', o.vdim ?? E);
    this.dropout = o.dropout ?? 0;
    checkDropoutP(op, this.dropout);
    this.batchFirst = o.batchFirst ?? false;
    this.addZeroAttn = o.addZeroAttn ?? false;
    this.qkvSameEmbedDim = this.kdim === E && this.vdim === E;
    const bias = o.bias ?? true;
    const factory: FactoryOptions = { ...(o.device !== undefined ? { device: o.device } : {}), ...(o.dtype !== undefined ? { dtype: o.dtype } : {}) };
    if (this.qkvSameEmbedDim) {
      this.registerParameter('in_proj_weight', new Parameter(factoryFull([3 * E, E], 0, o)));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    } else {
      this.registerParameter('q_proj_weight', new Parameter(factoryFull([E, E], 0, o)));
      this.registerParameter('k_proj_weight', new Parameter(factoryFull([E, this.kdim], 0, o)));
      this.registerParameter('v_proj_weight', new Parameter(factoryFull([E, this.vdim], 0, o)));
      this.registerParameter('in_proj_weight', null);
    }
    this.registerParameter('in_proj_bias', bias ? new Parameter(factoryFull([3 * E], 0, o)) : null);
    this.registerModule('out_proj', new Linear(E, E, { bias, ...factory }));
    const kv = o.addBiasKv ?? false;
    this.registerParameter('bias_k', kv ? new Parameter(factoryFull([1, 1, E], 0, o)) : null);
    this.registerParameter('bias_v', kv ? new Parameter(factoryFull([1, 1, E], 0, o)) : null);
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: xavier-uniform projection weights, zero biases, xavier-normal bias_k / bias_v. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w !== null) xavierUniform_(w);
    if (this.in_proj_bias !== null) {
      constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias !== null) constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k !== null) xavierNormal_(this.bias_k);
    if (this.bias_v !== null) xavierNormal_(this.bias_v);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null] {
    const o = checkOptions('MultiheadAttention.forward', options, MHA_FORWARD_KEYS);
    // In tidy: a rejected input leaves no intermediate handles behind.
    return tidy(() => this.attend(query, key, value, o));
  }

  private attend(query: Tensor, key: Tensor, value: Tensor, o: MultiheadAttentionForwardOptions): [Tensor, Tensor | null] {
    const batched = query.ndim === 3;
    let [q, k, v] = [query, key, value];
    if (this.batchFirst && batched) {
      if (key.ndim !== 3 || value.ndim !== 3)
        throw new ShapeError(`MultiheadAttention: For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
      [q, k, v] = [transpose(query, 0, 1), transpose(key, 0, 1), transpose(value, 0, 1)];
    }
    const [out, weights] = multiHeadAttentionForward(
      q,
      k,
      v,
      this.embedDim,
      this.numHeads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.addZeroAttn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask: o.keyPaddingMask ?? null,
        needWeights: o.needWeights ?? true,
        attnMask: o.attnMask ?? null,
        averageAttnWeights: o.averageAttnWeights ?? true,
        isCausal: o.isCausal ?? false,
        ...(this.qkvSameEmbedDim ? {} : { useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight }),
      },
    );
    return [this.batchFirst && batched ? transpose(out, 0, 1) : out, weights];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}

/** 'relu', 'gelu', or any function of a tensor (an activation Module too). */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

function activationFn(op: string, a: TransformerActivation | undefined): (x: Tensor) => Tensor {
  if (a === undefined || a === 'relu') return F.relu;
  if (a === 'gelu') return (x) => F.gelu(x);
  if (typeof a === 'function') return a;
  throw new ValueError(`${op}: activation should be relu/gelu, not ${String(a)}`);
}

export interface TransformerLayerOptions extends FactoryOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, in the feed-forward block and on the attention weights (default 0.1). */
  dropout?: number;
  /** 'relu' (default), 'gelu' or a function. */
  activation?: TransformerActivation;
  layerNormEps?: number;
  /** [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward instead of after the residual sums (default false). */
  normFirst?: boolean;
}

const LAYER_KEYS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', ...FACTORY_KEYS];

type LayerArgs = TransformerLayerOptions & { dModel: number; nhead: number };

function factoryOf(o: FactoryOptions): FactoryOptions {
  return { ...(o.device !== undefined ? { device: o.device } : {}), ...(o.dtype !== undefined ? { dtype: o.dtype } : {}) };
}

/** A layer's PyTorch-style deep copy: the same arguments, a copy of its state and its mode. */
function cloneLayer<M extends Module>(layer: M, make: () => M): M {
  const copy = make();
  copy.loadStateDict(layer.stateDict());
  copy.train(layer.training);
  return copy;
}

export interface TransformerEncoderLayerForwardOptions {
  /** Self-attention mask ([L, L] or [N * nhead, L, L]; bool true = not allowed, float added). */
  srcMask?: Tensor | null;
  /** `[N, L]`: bool, true marks padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Hint that srcMask is causal (srcMask is required and applied). */
  isCausal?: boolean;
}

/** The arguments both Transformer layers check alike (PyTorch's defaults), and makers for their shared parts. */
function layerParts(op: string, args: [number, number, TransformerLayerOptions?] | [LayerArgs]) {
  const o = layerArgs<LayerArgs>(op, args, ['dModel', 'nhead'], LAYER_KEYS);
  const d = checkSize(op, 'dModel', o.dModel);
  const ff = checkSize(op, 'dimFeedforward', o.dimFeedforward ?? 2048);
  const p = o.dropout ?? 0.1;
  checkDropoutP(op, p);
  const f = factoryOf(o);
  const eps = o.layerNormEps ?? 1e-5;
  return {
    o,
    d,
    ff,
    p,
    f,
    activation: activationFn(op, o.activation),
    normFirst: o.normFirst ?? false,
    attention: () => new MultiheadAttention(d, o.nhead, { dropout: p, batchFirst: o.batchFirst ?? false, ...f }),
    norm: () => new LayerNorm(d, { eps, ...f }),
  };
}

/** PyTorch's TransformerEncoderLayer: self-attention and a feed-forward block, each with a residual and LayerNorm. */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderLayerForwardOptions?], Tensor> {
  readonly args: Readonly<LayerArgs>;
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(options: LayerArgs);
  constructor(...args: [number, number, TransformerLayerOptions?] | [LayerArgs]) {
    super();
    const l = layerParts('TransformerEncoderLayer', args);
    this.args = { ...l.o };
    this.activation = l.activation;
    this.normFirst = l.normFirst;
    this.self_attn = l.attention();
    this.linear1 = new Linear(l.d, l.ff, l.f);
    this.dropout = new Dropout(l.p);
    this.linear2 = new Linear(l.ff, l.d, l.f);
    this.norm1 = l.norm();
    this.norm2 = l.norm();
    this.dropout1 = new Dropout(l.p);
    this.dropout2 = new Dropout(l.p);
  }

  /** A copy with the same arguments, weights and mode (PyTorch's copy.deepcopy, as TransformerEncoder uses). */
  clone(): TransformerEncoderLayer {
    return cloneLayer(this, () => new TransformerEncoderLayer({ ...this.args }));
  }

  forward(src: Tensor, options?: TransformerEncoderLayerForwardOptions): Tensor {
    const o = checkOptions('TransformerEncoderLayer.forward', options, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const sa = (x: Tensor) =>
      this.dropout1(this.self_attn(x, x, x, { attnMask: o.srcMask ?? null, keyPaddingMask: o.srcKeyPaddingMask ?? null, needWeights: false, isCausal: o.isCausal ?? false })[0]);
    const ffn = (x: Tensor) => this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
    return tidy(() => {
      let x = src;
      if (this.normFirst) {
        x = x.add(sa(this.norm1(x)));
        x = x.add(ffn(this.norm2(x)));
      } else {
        x = this.norm1(x.add(sa(x)));
        x = this.norm2(x.add(ffn(x)));
      }
      return x;
    });
  }
}

export interface TransformerDecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** Hint that tgtMask is causal (tgtMask is required and applied). */
  tgtIsCausal?: boolean;
  /** Hint that memoryMask is causal (memoryMask is required and applied). */
  memoryIsCausal?: boolean;
}

const DECODER_FORWARD_KEYS = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal'];

/** PyTorch's TransformerDecoderLayer: self-attention, attention over the memory, and a feed-forward block. */
export class TransformerDecoderLayer extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor> {
  readonly args: Readonly<LayerArgs>;
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(options: LayerArgs);
  constructor(...args: [number, number, TransformerLayerOptions?] | [LayerArgs]) {
    super();
    const l = layerParts('TransformerDecoderLayer', args);
    this.args = { ...l.o };
    this.activation = l.activation;
    this.normFirst = l.normFirst;
    this.self_attn = l.attention();
    this.multihead_attn = l.attention();
    this.linear1 = new Linear(l.d, l.ff, l.f);
    this.dropout = new Dropout(l.p);
    this.linear2 = new Linear(l.ff, l.d, l.f);
    this.norm1 = l.norm();
    this.norm2 = l.norm();
    this.norm3 = l.norm();
    this.dropout1 = new Dropout(l.p);
    this.dropout2 = new Dropout(l.p);
    this.dropout3 = new Dropout(l.p);
  }

  clone(): TransformerDecoderLayer {
    return cloneLayer(this, () => new TransformerDecoderLayer({ ...this.args }));
  }

  forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderLayerForwardOptions): Tensor {
    const o = checkOptions('TransformerDecoderLayer.forward', options, DECODER_FORWARD_KEYS);
    const sa = (x: Tensor) =>
      this.dropout1(this.self_attn(x, x, x, { attnMask: o.tgtMask ?? null, keyPaddingMask: o.tgtKeyPaddingMask ?? null, needWeights: false, isCausal: o.tgtIsCausal ?? false })[0]);
    const mha = (x: Tensor) =>
      this.dropout2(
        this.multihead_attn(x, memory, memory, { attnMask: o.memoryMask ?? null, keyPaddingMask: o.memoryKeyPaddingMask ?? null, needWeights: false, isCausal: o.memoryIsCausal ?? false })[0],
      );
    const ffn = (x: Tensor) => this.dropout3(this.linear2(this.dropout(this.activation(this.linear1(x)))));
    return tidy(() => {
      let x = tgt;
      if (this.normFirst) {
        x = x.add(sa(this.norm1(x)));
        x = x.add(mha(this.norm2(x)));
        x = x.add(ffn(this.norm3(x)));
      } else {
        x = this.norm1(x.add(sa(x)));
        x = this.norm2(x.add(mha(x)));
        x = this.norm3(x.add(ffn(x)));
      }
      return x;
    });
  }
}

function checkLayer<L>(op: string, layer: unknown, cls: abstract new (...a: never[]) => L, what: string): L {
  if (!(layer instanceof cls)) throw new ValueError(`${op}: ${what} must be a ${cls.name}`);
  return layer;
}

function checkNorm(op: string, norm: unknown): Module | null {
  if (norm === undefined || norm === null) return null;
  if (!(norm instanceof Module)) throw new ValueError(`${op}: norm must be a Module (a LayerNorm) or null`);
  return norm;
}

export interface TransformerEncoderOptions {
  /** Applied to the last layer's output (Transformer uses a LayerNorm). */
  norm?: Module | null;
  /** PyTorch's nested-tensor fast path switches; accepted for compatibility, no effect. */
  enableNestedTensor?: boolean;
  maskCheck?: boolean;
}

export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** Hint that mask is causal (mask is required and applied). */
  isCausal?: boolean;
}

type EncoderArgs = TransformerEncoderOptions & { encoderLayer: TransformerEncoderLayer; numLayers: number };

/** numLayers copies of encoderLayer (each starting from its weights), as layers.0, layers.1, ..., then norm. */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly numLayers: number;
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options?: TransformerEncoderOptions);
  constructor(options: EncoderArgs);
  constructor(...args: [TransformerEncoderLayer, number, TransformerEncoderOptions?] | [EncoderArgs]) {
    super();
    const op = 'TransformerEncoder';
    const o =
      args[0] instanceof TransformerEncoderLayer
        ? { ...checkOptions(op, args[2] as TransformerEncoderOptions | undefined, ['norm', 'enableNestedTensor', 'maskCheck']), encoderLayer: args[0], numLayers: args[1] as number }
        : checkOptions(op, args[0] as EncoderArgs, ['encoderLayer', 'numLayers', 'norm', 'enableNestedTensor', 'maskCheck']);
    const layer = checkLayer(op, o.encoderLayer, TransformerEncoderLayer, 'encoderLayer');
    this.numLayers = checkSize(op, 'numLayers', o.numLayers, true);
    this.layers = new ModuleList(Array.from({ length: this.numLayers }, () => layer.clone()));
    this.registerModule('norm', checkNorm(op, o.norm));
  }

  forward(src: Tensor, options?: TransformerEncoderForwardOptions): Tensor {
    const o = checkOptions('TransformerEncoder.forward', options, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    return tidy(() => {
      let x = src;
      for (const layer of this.layers)
        x = (layer as TransformerEncoderLayer)(x, { srcMask: o.mask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.isCausal ?? false });
      return this.norm !== null ? (this.norm as Module<[Tensor], Tensor>)(x) : x;
    });
  }
}

export interface TransformerDecoderOptions {
  norm?: Module | null;
}

type DecoderArgs = TransformerDecoderOptions & { decoderLayer: TransformerDecoderLayer; numLayers: number };

/** numLayers copies of decoderLayer, as layers.0, layers.1, ..., then norm. */
export class TransformerDecoder extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor> {
  readonly numLayers: number;
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options?: TransformerDecoderOptions);
  constructor(options: DecoderArgs);
  constructor(...args: [TransformerDecoderLayer, number, TransformerDecoderOptions?] | [DecoderArgs]) {
    super();
    const op = 'TransformerDecoder';
    const o =
      args[0] instanceof TransformerDecoderLayer
        ? { ...checkOptions(op, args[2] as TransformerDecoderOptions | undefined, ['norm']), decoderLayer: args[0], numLayers: args[1] as number }
        : checkOptions(op, args[0] as DecoderArgs, ['decoderLayer', 'numLayers', 'norm']);
    const layer = checkLayer(op, o.decoderLayer, TransformerDecoderLayer, 'decoderLayer');
    this.numLayers = checkSize(op, 'numLayers', o.numLayers, true);
    this.layers = new ModuleList(Array.from({ length: this.numLayers }, () => layer.clone()));
    this.registerModule('norm', checkNorm(op, o.norm));
  }

  forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderLayerForwardOptions): Tensor {
    const o = checkOptions('TransformerDecoder.forward', options, DECODER_FORWARD_KEYS);
    return tidy(() => {
      let x = tgt;
      for (const layer of this.layers) x = (layer as TransformerDecoderLayer)(x, memory, o);
      return this.norm !== null ? (this.norm as Module<[Tensor], Tensor>)(x) : x;
    });
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Replace the encoder / decoder (PyTorch's custom_encoder / custom_decoder). */
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * PyTorch's nn.Transformer: an encoder of numEncoderLayers layers and a decoder of numDecoderLayers,
 * each ending in a LayerNorm (encoder.norm, decoder.norm); every weight matrix xavier-uniform.
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  declare encoder: Module;
  declare decoder: Module;

  constructor(options?: TransformerOptions) {
    super();
    const op = 'Transformer';
    const o = checkOptions(op, options, ['dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'customEncoder', 'customDecoder', ...LAYER_KEYS]);
    const d = (this.dModel = checkSize(op, 'dModel', o.dModel ?? 512));
    this.nhead = checkSize(op, 'nhead', o.nhead ?? 8);
    this.batchFirst = o.batchFirst ?? false;
    const layerOptions: LayerArgs = { dModel: d, nhead: this.nhead };
    for (const k of LAYER_KEYS) if ((o as Record<string, unknown>)[k] !== undefined) (layerOptions as unknown as Record<string, unknown>)[k] = (o as Record<string, unknown>)[k];
    const f = factoryOf(o);
    const eps = o.layerNormEps ?? 1e-5;
    // The stacks hold copies of these prototype layers, whose own parameters are then freed.
    const stack = <P extends Module, S>(proto: () => P, make: (p: P) => S): S => {
      const p = proto();
      try {
        return make(p);
      } finally {
        for (const t of Object.values(p.stateDict())) t.dispose();
      }
    };
    this.encoder =
      o.customEncoder ??
      stack(() => new TransformerEncoderLayer(layerOptions), (p) => new TransformerEncoder(p, o.numEncoderLayers ?? 6, { norm: new LayerNorm(d, { eps, ...f }) }));
    this.decoder =
      o.customDecoder ??
      stack(() => new TransformerDecoderLayer(layerOptions), (p) => new TransformerDecoder(p, o.numDecoderLayers ?? 6, { norm: new LayerNorm(d, { eps, ...f }) }));
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  forward(src: Tensor, tgt: Tensor, options?: TransformerForwardOptions): Tensor {
    const o = checkOptions('Transformer.forward', options, [
      'srcMask',
      'tgtMask',
      'memoryMask',
      'srcKeyPaddingMask',
      'tgtKeyPaddingMask',
      'memoryKeyPaddingMask',
      'srcIsCausal',
      'tgtIsCausal',
      'memoryIsCausal',
    ]);
    const batched = src.ndim === 3;
    if (batched && src.shape[this.batchFirst ? 0 : 1] !== tgt.shape[this.batchFirst ? 0 : 1])
      throw new ShapeError(`Transformer: the batch number of src and tgt must be equal (src ${JSON.stringify(src.shape)}, tgt ${JSON.stringify(tgt.shape)}, batchFirst ${this.batchFirst})`);
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel)
      throw new ShapeError(`Transformer: the feature number of src and tgt must be equal to d_model (${this.dModel}; src ${JSON.stringify(src.shape)}, tgt ${JSON.stringify(tgt.shape)})`);
    return tidy(() => this.run(src, tgt, o));
  }

  private run(src: Tensor, tgt: Tensor, o: TransformerForwardOptions): Tensor {
    const memory = (this.encoder as TransformerEncoder)(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.srcIsCausal ?? false });
    return (this.decoder as TransformerDecoder)(tgt, memory, {
      tgtMask: o.tgtMask ?? null,
      memoryMask: o.memoryMask ?? null,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
      tgtIsCausal: o.tgtIsCausal ?? false,
      memoryIsCausal: o.memoryIsCausal ?? false,
    });
  }

  /** A float [sz, sz] mask with -inf above the diagonal and 0 elsewhere (position i attends to j <= i). */
  static generateSquareSubsequentMask(sz: number, options: FactoryOptions = {}): Tensor {
    checkSize('Transformer.generateSquareSubsequentMask', 'sz', sz, true);
    return triu(full([sz, sz], -Infinity, { dtype: options.dtype ?? 'float32', ...(options.device !== undefined ? { device: options.device } : {}) }), 1);
  }
}
