// A character-level GPT written as a PyTorch user writes one (nanoGPT's shape), with Tensile's
// public API: token and position embeddings, pre-norm blocks of causal self-attention through
// F.scaledDotProductAttention and a GELU MLP, a final LayerNorm and an lm head tied to the token
// embedding. Its PyTorch twin, line for line, is tools/golden/tensile_golden/gpt.py; the golden
// run training/gpt_char_sdpa.json trains both from the same weights on the same batches.
// EncoderLayerGPT is the same model with each block an nn.TransformerEncoderLayer and the causal
// mask of Transformer.generateSquareSubsequentMask (golden run training/gpt_char_encoder_layer.json).
import { arange, type Tensor, tidy } from '@tensile/core';
import { Embedding, functional as F, LayerNorm, Linear, Module, ModuleList, type Parameter, Transformer, TransformerEncoderLayer } from '@tensile/nn';

export interface GPTConfig {
  vocabSize: number;
  /** The longest context (the position table's length). */
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  /** Device of the parameters (default: the active backend). */
  device?: string;
}

export class CausalSelfAttention extends Module<[Tensor], Tensor> {
  readonly nHead: number;
  qkv: Linear;
  proj: Linear;

  constructor(nEmbd: number, nHead: number, device?: string) {
    super();
    this.nHead = nHead;
    this.qkv = new Linear(nEmbd, 3 * nEmbd, { device });
    this.proj = new Linear(nEmbd, nEmbd, { device });
  }

  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const heads = (t: Tensor) => t.view(B, T, this.nHead, C / this.nHead).transpose(1, 2);
    const [q, k, v] = this.qkv(x).split(C, 2).map(heads) as [Tensor, Tensor, Tensor];
    const y = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    return this.proj(y.transpose(1, 2).contiguous().view(B, T, C));
  }
}

export class MLP extends Module<[Tensor], Tensor> {
  fc: Linear;
  proj: Linear;

  constructor(nEmbd: number, device?: string) {
    super();
    this.fc = new Linear(nEmbd, 4 * nEmbd, { device });
    this.proj = new Linear(4 * nEmbd, nEmbd, { device });
  }

  forward(x: Tensor): Tensor {
    return this.proj(F.gelu(this.fc(x)));
  }
}

export class Block extends Module<[Tensor], Tensor> {
  norm1: LayerNorm;
  attn: CausalSelfAttention;
  norm2: LayerNorm;
  mlp: MLP;

  constructor(nEmbd: number, nHead: number, device?: string) {
    super();
    this.norm1 = new LayerNorm(nEmbd, { device });
    this.attn = new CausalSelfAttention(nEmbd, nHead, device);
    this.norm2 = new LayerNorm(nEmbd, { device });
    this.mlp = new MLP(nEmbd, device);
  }

  forward(x: Tensor): Tensor {
    const h = x.add(this.attn(this.norm1(x)));
    return h.add(this.mlp(this.norm2(h)));
  }
}

/** idx [B, T] (int32 token ids, T <= blockSize) -> logits [B, T, vocabSize]. */
export class GPT extends Module<[Tensor], Tensor> {
  readonly config: GPTConfig;
  tokens: Embedding;
  positions: Embedding;
  blocks: ModuleList;
  norm: LayerNorm;
  head: Linear;

  constructor(config: GPTConfig) {
    super();
    const { vocabSize, blockSize, nEmbd, nHead, nLayer, device } = config;
    if (nEmbd % nHead !== 0) throw new Error(`GPT: nEmbd (${nEmbd}) must be a multiple of nHead (${nHead})`);
    this.config = config;
    this.tokens = new Embedding(vocabSize, nEmbd, { device });
    this.positions = new Embedding(blockSize, nEmbd, { device });
    this.blocks = new ModuleList(Array.from({ length: nLayer }, () => new Block(nEmbd, nHead, device)));
    this.norm = new LayerNorm(nEmbd, { device });
    this.head = new Linear(nEmbd, vocabSize, { bias: false, device });
    this.head.weight.dispose();
    this.head.weight = this.tokens.weight; // weight tying, as PyTorch's `self.head.weight = self.tokens.weight`
  }

  forward(idx: Tensor): Tensor {
    const T = idx.shape[1]!;
    if (T > this.config.blockSize) throw new Error(`GPT: a sequence of ${T} tokens is longer than blockSize ${this.config.blockSize}`);
    let x = this.tokens(idx).add(this.positions(arange(T, { dtype: 'int32', device: idx.device })));
    for (const block of this.blocks) x = (block as Block)(x);
    return this.head(this.norm(x));
  }

  /** AdamW's usual two groups: weight decay on the matrices (and embeddings), none on biases and norms. */
  paramGroups(weightDecay: number): { params: Parameter[]; weightDecay: number }[] {
    const params = this.parameters();
    return [
      { params: params.filter((p) => p.shape.length >= 2), weightDecay },
      { params: params.filter((p) => p.shape.length < 2), weightDecay: 0 },
    ];
  }
}

/**
 * The same GPT as a PyTorch user also writes it: the blocks are nn.TransformerEncoderLayer
 * (normFirst, GELU, dimFeedforward 4 nEmbd, dropout 0, batchFirst), called with the causal mask
 * Transformer.generateSquareSubsequentMask(T). Its state_dict names are PyTorch's
 * (`blocks.0.self_attn.in_proj_weight`, `blocks.0.linear1.weight`, ...).
 */
export class EncoderLayerGPT extends Module<[Tensor], Tensor> {
  readonly config: GPTConfig;
  tokens: Embedding;
  positions: Embedding;
  blocks: ModuleList;
  norm: LayerNorm;
  head: Linear;

  constructor(config: GPTConfig) {
    super();
    const { vocabSize, blockSize, nEmbd, nHead, nLayer, device } = config;
    if (nEmbd % nHead !== 0) throw new Error(`EncoderLayerGPT: nEmbd (${nEmbd}) must be a multiple of nHead (${nHead})`);
    this.config = config;
    this.tokens = new Embedding(vocabSize, nEmbd, { device });
    this.positions = new Embedding(blockSize, nEmbd, { device });
    this.blocks = new ModuleList(
      Array.from(
        { length: nLayer },
        () => new TransformerEncoderLayer(nEmbd, nHead, { dimFeedforward: 4 * nEmbd, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true, device }),
      ),
    );
    this.norm = new LayerNorm(nEmbd, { device });
    this.head = new Linear(nEmbd, vocabSize, { bias: false, device });
    this.head.weight.dispose();
    this.head.weight = this.tokens.weight; // weight tying
  }

  forward(idx: Tensor): Tensor {
    const T = idx.shape[1]!;
    if (T > this.config.blockSize) throw new Error(`EncoderLayerGPT: a sequence of ${T} tokens is longer than blockSize ${this.config.blockSize}`);
    return tidy(() => {
      let x = this.tokens(idx).add(this.positions(arange(T, { dtype: 'int32', device: idx.device })));
      const mask = Transformer.generateSquareSubsequentMask(T, { device: idx.device });
      for (const block of this.blocks) x = (block as TransformerEncoderLayer)(x, { srcMask: mask });
      return this.head(this.norm(x));
    });
  }

  /** AdamW's usual two groups: weight decay on the matrices (and embeddings), none on biases and norms. */
  paramGroups(weightDecay: number): { params: Parameter[]; weightDecay: number }[] {
    const params = this.parameters();
    return [
      { params: params.filter((p) => p.shape.length >= 2), weightDecay },
      { params: params.filter((p) => p.shape.length < 2), weightDecay: 0 },
    ];
  }
}

/** The block kinds of the golden GPT runs (their `model.block`). */
export const GPT_BLOCKS = { sdpa: GPT, TransformerEncoderLayer: EncoderLayerGPT } as const;

/** A character tokenizer over a fixed vocabulary (token i is vocab[i]), as char-level GPTs use. */
export class CharTokenizer {
  readonly vocab: string;

  constructor(vocab: string) {
    this.vocab = vocab;
  }

  /** The sorted distinct characters of a text. */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort().join(''));
  }

  encode(text: string): Int32Array {
    return Int32Array.from(text, (ch) => {
      const i = this.vocab.indexOf(ch);
      if (i < 0) throw new Error(`CharTokenizer: ${JSON.stringify(ch)} is not in the vocabulary`);
      return i;
    });
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (i) => this.vocab[i]!).join('');
  }
}
