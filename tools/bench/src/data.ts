import { Generator } from 'tensile';
import { convOutput, type WorkloadSpec } from './workloads.js';

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

  labels(n: number, classes: number): HostTensor {
    return { data: Int32Array.from(this.g.uniform(n), (u) => Math.min(classes - 1, Math.floor(u * classes))), shape: [n] };
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
