/**
 * The workloads of issue 9, as data: every system (Tensile backend or peer)
 * implements each `kind`, so one spec drives all of them alike.
 */

export type Scale = 'full' | 'tiny';

export interface MlpSpec {
  /** Layer widths, input first: [784, 512, 512, 10] is 784-512-512-10 with ReLU between. */
  readonly sizes: readonly number[];
  readonly batch: number;
  readonly lr: number;
}

/**
 * A 2-D convolution with bias, stride 1, in PyTorch's layouts: input [batch, channels, height, width],
 * weight [outChannels, channels, kernel, kernel]. Its loss is sum(conv(x, w, b) * g) for a fixed tensor g
 * of the output's shape, so every system's backward starts from the same upstream gradient.
 */
export interface ConvSpec {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly kernel: number;
  /** Zero padding on each side of both spatial dims; (kernel - 1) / 2 keeps the output the input's size. */
  readonly padding: number;
}

/** Output height and width of a convolution spec (stride 1). */
export function convOutput(c: ConvSpec): [number, number] {
  return [c.height + 2 * c.padding - c.kernel + 1, c.width + 2 * c.padding - c.kernel + 1];
}

/**
 * The character-level GPT of @tensile/conformance (models/gpt.ts; its PyTorch twin is
 * tools/golden/tensile_golden/gpt.py): token and position embeddings, pre-norm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm, a head tied to the token embedding. One step:
 * zero the gradients, cross-entropy of the next token, backward, AdamW.
 */
export interface GptSpec {
  readonly batch: number;
  /** Tokens per sequence (the model's blockSize). */
  readonly seq: number;
  readonly vocab: number;
  readonly nEmbd: number;
  readonly nHead: number;
  readonly nLayer: number;
  readonly lr: number;
}

export type WorkloadSpec =
  | { readonly kind: 'mse'; readonly n: number }
  | { readonly kind: 'cross-entropy'; readonly batch: number; readonly classes: number }
  | { readonly kind: 'bce-logits'; readonly n: number }
  | { readonly kind: 'matmul'; readonly m: number; readonly k: number; readonly n: number }
  | ({ readonly kind: 'mlp-train' } & MlpSpec)
  | ({ readonly kind: 'conv2d' } & ConvSpec)
  | ({ readonly kind: 'gpt-train' } & GptSpec);

export interface Workload {
  /** Row id, e.g. "W1-1M". */
  readonly id: string;
  /** The name for it ("W1"): `--only W1` selects every row of the group, and targets name groups. */
  readonly group: string;
  readonly title: string;
  readonly spec: WorkloadSpec;
  /** W7: not timed; runs `steps` training steps and samples each system's memory counter after each. */
  readonly memorySteps?: number;
  /** Report the peak bytes one step allocates, beside its time, where the system counts them (W9). */
  readonly peakMemory?: boolean;
}

/** Floating-point operations of one step, where a rate says more than a time (W4's and W8's GFLOP/s). */
export function flops(spec: WorkloadSpec): number | null {
  if (spec.kind === 'matmul') return 2 * spec.m * spec.k * spec.n;
  if (spec.kind === 'conv2d') {
    // The forward product, the input's gradient and the weight's gradient: three of the same size.
    const [oh, ow] = convOutput(spec);
    return 3 * 2 * spec.batch * spec.outChannels * oh * ow * spec.channels * spec.kernel * spec.kernel;
  }
  return null;
}

/** The workloads at a scale: `full` is the sizes; `tiny` keeps every code path at sizes a unit test can afford. */
export function workloads(scale: Scale): Workload[] {
  const tiny = scale === 'tiny';
  const mlp3: MlpSpec = tiny ? { sizes: [20, 16, 16, 10], batch: 8, lr: 1e-3 } : { sizes: [784, 512, 512, 10], batch: 256, lr: 1e-3 };
  const mlp6: MlpSpec = { sizes: [2, 32, 32, 2], batch: 32, lr: 1e-3 };
  const mm = tiny ? 32 : 1024;
  const big = tiny ? 4096 : 1_048_576;
  const conv: ConvSpec = tiny
    ? { batch: 2, channels: 3, height: 8, width: 8, outChannels: 4, kernel: 3, padding: 1 }
    : { batch: 32, channels: 64, height: 32, width: 32, outChannels: 64, kernel: 3, padding: 1 };
  const gpt: GptSpec = tiny
    ? { batch: 2, seq: 8, vocab: 11, nEmbd: 16, nHead: 2, nLayer: 1, lr: 3e-4 }
    : { batch: 16, seq: 128, vocab: 65, nEmbd: 256, nHead: 4, nLayer: 4, lr: 3e-4 };
  return [
    { id: 'W1-1M', group: 'W1', title: `MSELoss fwd+bwd, ${fmtCount(big)} elements`, spec: { kind: 'mse', n: big } },
    { id: 'W1-4K', group: 'W1', title: `MSELoss fwd+bwd, ${fmtCount(tiny ? 64 : 4096)} elements`, spec: { kind: 'mse', n: tiny ? 64 : 4096 } },
    {
      id: 'W2',
      group: 'W2',
      title: `CrossEntropyLoss fwd+bwd, ${tiny ? '16 x 10' : '4096 x 1000'}, int32 labels`,
      spec: { kind: 'cross-entropy', batch: tiny ? 16 : 4096, classes: tiny ? 10 : 1000 },
    },
    { id: 'W3', group: 'W3', title: `MLP ${mlp3.sizes.join('-')} step (CE + Adam), batch ${mlp3.batch}`, spec: { kind: 'mlp-train', ...mlp3 } },
    { id: 'W4', group: 'W4', title: `matmul ${mm} x ${mm} x ${mm}`, spec: { kind: 'matmul', m: mm, k: mm, n: mm } },
    { id: 'W5', group: 'W5', title: `BCEWithLogitsLoss fwd+bwd, ${fmtCount(big)} elements`, spec: { kind: 'bce-logits', n: big } },
    { id: 'W6', group: 'W6', title: `tiny MLP ${mlp6.sizes.join('-')} step (CE + Adam), batch ${mlp6.batch}`, spec: { kind: 'mlp-train', ...mlp6 } },
    {
      id: 'W7',
      group: 'W7',
      title: `W3's MLP for ${tiny ? 5 : 20} steps: memory must not grow`,
      spec: { kind: 'mlp-train', ...mlp3 },
      memorySteps: tiny ? 5 : 20,
    },
    {
      id: 'W8',
      group: 'W8',
      title: `conv2d ${conv.kernel}x${conv.kernel} fwd+bwd (padding ${conv.padding}, bias), ${conv.batch} x ${conv.channels} x ${conv.height} x ${conv.width} -> ${conv.outChannels} channels`,
      spec: { kind: 'conv2d', ...conv },
    },
    {
      id: 'W9',
      group: 'W9',
      title: `GPT training step (CE + AdamW): batch ${gpt.batch}, T ${gpt.seq}, d ${gpt.nEmbd}, ${gpt.nHead} heads, ${gpt.nLayer} layers, vocab ${gpt.vocab}`,
      spec: { kind: 'gpt-train', ...gpt },
      peakMemory: true,
    },
  ];
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
