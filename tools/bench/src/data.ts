import { Generator } from 'tensile';
import { convOutput, type GptSpec, type WorkloadSpec } from './workloads.js';

/**
 * Inputs are made once, on the host, from a fixed seed, and handed to every
 * system as the same bytes: that is what lets `--quick` demand that all of
 * them compute the same loss.
 */

export interface HostTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/** Named inputs of one workload. MLP weights use PyTorch's nn.Linear layout: `w<i>` is [out, in], `b<i>` is [out]. */
export type Inputs = Record<string, HostTensor>;

/** Deterministic inputs from Tensile's own Philox generator: the same bytes go to every system. */
class Source {
  private readonly g: Generator;
  constructor(seed: number) {
    this.g = new Generator(seed);
  }

  /** Standard normal samples. */
  normal(shape: readonly number[]): HostTensor {
    return { data: Float32Array.from(this.g.normal(count(shape))), shape };
  }

  uniform(shape: readonly number[], lo: number, hi: number): HostTensor {
    return { data: Float32Array.from(this.g.uniform(count(shape)), (u) => lo + (hi - lo) * u), shape };
  }

  labels(n: number, classes: number, shape: readonly number[] = [n]): HostTensor {
    return { data: Int32Array.from(this.g.uniform(n), (u) => Math.min(classes - 1, Math.floor(u * classes))), shape };
  }
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The inputs of a workload, deterministic for a seed. */
export function makeInputs(spec: WorkloadSpec, seed = 1234): Inputs {
  const src = new Source(seed);
  switch (spec.kind) {
    case 'mse':
      return { input: src.normal([spec.n]), target: src.normal([spec.n]) };
    case 'cross-entropy':
      return { logits: src.normal([spec.batch, spec.classes]), labels: src.labels(spec.batch, spec.classes) };
    case 'bce-logits':
      return { logits: src.normal([spec.n]), target: src.uniform([spec.n], 0, 1) };
    case 'matmul':
      return { a: src.normal([spec.m, spec.k]), b: src.normal([spec.k, spec.n]) };
    case 'mlp-train': {
      const { sizes, batch } = spec;
      const inputs: Inputs = { x: src.normal([batch, sizes[0]!]), labels: src.labels(batch, sizes[sizes.length - 1]!) };
      // nn.Linear's default init range, so the losses look like a real first step.
      for (let i = 0; i + 1 < sizes.length; i++) {
        const fanIn = sizes[i]!;
        const bound = 1 / Math.sqrt(fanIn);
        inputs[`w${i}`] = src.uniform([sizes[i + 1]!, fanIn], -bound, bound);
        inputs[`b${i}`] = src.uniform([sizes[i + 1]!], -bound, bound);
      }
      return inputs;
    }
    case 'gpt-train': {
      // Token ids [batch, seq] and the next-token targets, flat as cross-entropy takes them after logits.view(-1, vocab).
      const n = spec.batch * spec.seq;
      const inputs: Inputs = { idx: src.labels(n, spec.vocab, [spec.batch, spec.seq]), targets: src.labels(n, spec.vocab) };
      // nanoGPT's init: N(0, 0.02), the residual projections N(0, 0.02 / sqrt(2 nLayer)); LayerNorms at their defaults, biases 0.
      for (const [name, shape] of gptParameters(spec)) {
        const last = name.split('.').slice(-2).join('.');
        if (/norm\d?\.weight$/.test(name)) inputs[`param:${name}`] = { data: new Float32Array(count(shape)).fill(1), shape };
        else if (name.endsWith('.bias')) inputs[`param:${name}`] = { data: new Float32Array(count(shape)), shape };
        else {
          const std = last === 'proj.weight' ? 0.02 / Math.sqrt(2 * spec.nLayer) : 0.02;
          const t = src.normal(shape);
          inputs[`param:${name}`] = { data: t.data.map((v) => v * std), shape };
        }
      }
      return inputs;
    }
    case 'conv2d': {
      const { batch, channels, height, width, outChannels, kernel } = spec;
      // nn.Conv2d's default init range for the weight and bias; g is the loss's fixed upstream gradient.
      const bound = 1 / Math.sqrt(channels * kernel * kernel);
      return {
        x: src.normal([batch, channels, height, width]),
        weight: src.uniform([outChannels, channels, kernel, kernel], -bound, bound),
        bias: src.uniform([outChannels], -bound, bound),
        g: src.normal([batch, outChannels, ...convOutput(spec)]),
      };
    }
  }
}

/**
 * The GPT's parameters in named_parameters order with their shapes: the state_dict names that
 * models/gpt.ts and its PyTorch twin share (the head is tied to tokens.weight, so it is not listed).
 */
export function gptParameters(spec: GptSpec): [string, number[]][] {
  const { vocab, seq, nEmbd: C } = spec;
  const out: [string, number[]][] = [
    ['tokens.weight', [vocab, C]],
    ['positions.weight', [seq, C]],
  ];
  const linear = (name: string, o: number, i: number): void => void out.push([`${name}.weight`, [o, i]], [`${name}.bias`, [o]]);
  for (let l = 0; l < spec.nLayer; l++) {
    const b = `blocks.${l}`;
    out.push([`${b}.norm1.weight`, [C]], [`${b}.norm1.bias`, [C]]);
    linear(`${b}.attn.qkv`, 3 * C, C);
    linear(`${b}.attn.proj`, C, C);
    out.push([`${b}.norm2.weight`, [C]], [`${b}.norm2.bias`, [C]]);
    linear(`${b}.mlp.fc`, 4 * C, C);
    linear(`${b}.mlp.proj`, C, 4 * C);
  }
  out.push(['norm.weight', [C]], ['norm.bias', [C]]);
  return out;
}

/** Number of Linear layers of an MLP spec. */
export function layerCount(sizes: readonly number[]): number {
  return sizes.length - 1;
}

/** sqrt(sum(x^2)) in float64: the checksum every system reports for gradients and outputs. */
export function norm2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!;
  return Math.sqrt(s);
}
