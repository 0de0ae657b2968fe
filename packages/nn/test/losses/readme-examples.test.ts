// The Losses section of packages/nn/README.md runs here: each example's code
// block is compiled and executed as written, and its results are checked
// against the loss's formula computed in plain JS from the tensors' values.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import ts from 'typescript';
import * as tensile from 'tensile';
import type { Tensor } from 'tensile';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('## Losses'), README.indexOf('\n## ', README.indexOf('## Losses') + 1));

/** The ```ts block after each `#### Name` heading of the Losses section. */
function examples(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of section.matchAll(/^#### (\w+)\n[\s\S]*?```ts\n([\s\S]*?)```/gm)) out.set(m[1]!, m[2]!);
  return out;
}

type Scope = Record<string, unknown>;

/** Compiles a README block and runs it, returning its top-level constants. */
function run(code: string): Scope {
  let js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  js = js.replace(/^import \{([^}]*)\} from 'tensile';$/m, 'const {$1} = tensile;');
  const names = [...js.matchAll(/^const (\w+)/gm)].map((m) => m[1]!);
  for (const m of js.matchAll(/^const \[([^\]]+)\]/gm)) names.push(...m[1]!.split(',').map((s) => s.trim()));
  return new Function('tensile', `${js}\nreturn { ${names.join(', ')} };`)(tensile) as Scope;
}

const values = (t: unknown): number[] => Array.from((t as Tensor).dataSync());
const item = (t: unknown): number => (t as Tensor).itemSync();
const grad = (t: unknown): number[] => values((t as Tensor).grad);
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const rows = (xs: number[], n: number) => Array.from({ length: xs.length / n }, (_, i) => xs.slice(i * n, i * n + n));
const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(sumOf(xs.map((v) => Math.exp(v - m))));
};
const logSoftmax = (xs: number[]) => xs.map((v) => v - logSumExp(xs));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const close = (got: number, want: number, tol = 1e-5) => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
const allClose = (got: number[], want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => close(g, want[i]!, tol));
};
const pairs = (a: unknown, b: unknown) => values(a).map((v, i) => [v, values(b)[i]!] as const);
const norm = (xs: number[], p = 2) => sumOf(xs.map((v) => Math.abs(v) ** p)) ** (1 / p);

/** -log of the total probability of every alignment, by the alpha recursion over plain numbers. */
function ctcReference(lp: number[][], labels: number[], blank = 0): number {
  const ext = [blank, ...labels.flatMap((l) => [l, blank])];
  let alpha = ext.map((c, k) => (k < 2 ? lp[0]![c]! : -Infinity));
  for (let t = 1; t < lp.length; t++)
    alpha = ext.map((c, k) => {
      const terms = [alpha[k]!, k >= 1 ? alpha[k - 1]! : -Infinity, k >= 2 && c !== blank && c !== ext[k - 2] ? alpha[k - 2]! : -Infinity];
      const m = Math.max(...terms);
      return (m === -Infinity ? -Infinity : m + Math.log(sumOf(terms.map((v) => Math.exp(v - m))))) + lp[t]![c]!;
    });
  return -logSumExp(alpha.slice(-2));
}

const CHECKS: Record<string, (s: Scope) => void> = {
  L1Loss: (s) => {
    const d = pairs(s.input, s.target).map(([x, y]) => x - y);
    close(item(s.output), meanOf(d.map(Math.abs)));
    allClose(grad(s.input), d.map((v) => Math.sign(v) / d.length));
  },
  MSELoss: (s) => {
    const d = pairs(s.input, s.target).map(([x, y]) => x - y);
    close(item(s.output), meanOf(d.map((v) => v * v)));
    allClose(grad(s.input), d.map((v) => (2 * v) / d.length));
  },
  CrossEntropyLoss: (s) => {
    const x = rows(values(s.input), 5);
    close(item(s.output), meanOf(values(s.target).map((t, i) => -logSoftmax(x[i]!)[t]!)));
    const x2 = rows(values(s.input2), 5);
    const t2 = rows(values(s.target2), 5);
    close(item(s.output2), meanOf(x2.map((r, i) => -sumOf(logSoftmax(r).map((l, c) => l * t2[i]![c]!)))));
    expect(grad(s.input).length).toBe(15);
  },
  CTCLoss: (s) => {
    const [T, N, C] = [s.T, s.N, s.C] as number[];
    const lp = values(s.input);
    const targets = rows(values(s.target), s.S as number);
    const lens = values(s.targetLengths);
    const perSample = lens.map((L, n) => {
      const frames = Array.from({ length: T! }, (_, t) => lp.slice((t * N! + n) * C!, (t * N! + n + 1) * C!));
      return ctcReference(frames, targets[n]!.slice(0, L)) / L;
    });
    close(item(s.loss), meanOf(perSample), 1e-4);
    expect(grad(s.input).every(Number.isFinite)).toBe(true);
  },
  NLLLoss: (s) => {
    const x = rows(values(s.input), 5);
    close(item(s.output), meanOf(values(s.target).map((t, i) => -logSoftmax(x[i]!)[t]!)));
    // The 2-d case: the same formula at every pixel, on log-probabilities over the channel dim.
    const logp = values(tensile.noGrad(() => (s.m as (x: Tensor) => Tensor)((s.conv as (x: Tensor) => Tensor)(s.data as Tensor))));
    const [N, C] = [s.N, s.C] as number[];
    const t2 = values(s.target2d);
    const pixels = 64;
    close(item(s.output2d), meanOf(t2.map((t, i) => -logp[(Math.floor(i / pixels) * C! + t) * pixels + (i % pixels)]!)));
    expect(t2.length).toBe(N! * pixels);
  },
  PoissonNLLLoss: (s) => close(item(s.output), meanOf(pairs(s.logInput, s.target).map(([x, y]) => Math.exp(x) - y * x))),
  GaussianNLLLoss: (s) => {
    // var is 1: 0.5 (log 1 + d^2 / 1).
    close(item(s.output), meanOf(pairs(s.input, s.target).map(([x, y]) => 0.5 * (x - y) ** 2)));
    close(item(s.output2), meanOf(pairs(s.input2, s.target2).map(([x, y]) => 0.5 * (x - y) ** 2)));
    expect(grad(s.variance2).length).toBe(5);
  },
  KLDivLoss: (s) => {
    close(item(s.output), sumOf(pairs(s.input, s.target).map(([x, y]) => y * (Math.log(y) - x))) / 3);
    close(item(s.output2), sumOf(pairs(s.input, s.logTarget).map(([x, y]) => Math.exp(y) * (y - x))) / 3);
  },
  BCELoss: (s) => {
    const p = values(s.input).map(sigmoid);
    const y = values(s.target);
    close(item(s.output), meanOf(p.map((v, i) => -(y[i]! * Math.log(v) + (1 - y[i]!) * Math.log(1 - v)))));
    allClose(grad(s.input), p.map((v, i) => (v - y[i]!) / 3));
  },
  BCEWithLogitsLoss: (s) => {
    close(item(s.value), -Math.log(sigmoid(1.5)));
    close(item(s.value), 0.2014, 1e-4);
    close(item(s.output2), meanOf(pairs(s.input, s.target2).map(([x, y]) => -(y * Math.log(sigmoid(x)) + (1 - y) * Math.log(sigmoid(-x))))));
  },
  MarginRankingLoss: (s) => {
    const y = values(s.target);
    close(item(s.output), meanOf(pairs(s.input1, s.input2).map(([a, b], i) => Math.max(0, -y[i]! * (a - b)))));
  },
  HingeEmbeddingLoss: (s) => close(item(s.output), meanOf(pairs(s.input, s.target).map(([x, y]) => (y === 1 ? x : Math.max(0, 1 - x))))),
  MultiLabelMarginLoss: (s) => {
    close(item(s.value), 0.25 * (1 - (0.1 - 0.2) + (1 - (0.1 - 0.4)) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4))));
    close(item(s.value), 0.85);
  },
  HuberLoss: (s) => {
    const d = pairs(s.input, s.target).map(([x, y]) => Math.abs(x - y));
    close(item(s.output), meanOf(d.map((z) => (z < 0.5 ? 0.5 * z * z : 0.5 * (z - 0.25)))));
  },
  SmoothL1Loss: (s) => {
    const d = pairs(s.input, s.target).map(([x, y]) => Math.abs(x - y));
    close(item(s.output), meanOf(d.map((z) => (z < 0.5 ? (0.5 * z * z) / 0.5 : z - 0.25))));
  },
  SoftMarginLoss: (s) => close(item(s.output), meanOf(pairs(s.input, s.target).map(([x, y]) => Math.log(1 + Math.exp(-y * x))))),
  MultiLabelSoftMarginLoss: (s) => {
    const perRow = rows([...pairs(s.input, s.target)].map(([x, y]) => -(y * Math.log(sigmoid(x)) + (1 - y) * Math.log(sigmoid(-x)))), 5).map(meanOf);
    close(item(s.output), meanOf(perRow));
  },
  CosineEmbeddingLoss: (s) => {
    const a = rows(values(s.input1), 8);
    const b = rows(values(s.input2), 8);
    const cos = a.map((r, i) => sumOf(r.map((v, j) => v * b[i]![j]!)) / (norm(r) * norm(b[i]!)));
    close(item(s.output), meanOf(values(s.target).map((y, i) => (y === 1 ? 1 - cos[i]! : Math.max(0, cos[i]! - 0.2)))));
  },
  MultiMarginLoss: (s) => {
    close(item(s.value), 0.25 * (1 - (0.8 - 0.1) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4))));
    close(item(s.value), 0.325);
  },
  TripletMarginLoss: (s) => {
    const [a, p, n] = [s.anchor, s.positive, s.negative].map((t) => rows(values(t), 128));
    const d = (u: number[], v: number[]) => norm(u.map((x, j) => x - v[j]! + 1e-6));
    close(item(s.output), meanOf(a!.map((r, i) => Math.max(0, 1 + d(r, p![i]!) - d(r, n![i]!)))), 1e-4);
  },
  TripletMarginWithDistanceLoss: (s) => {
    const [a, p, n] = [s.anchor, s.positive, s.negative].map((t) => values(t));
    const euclid = (u: number[], v: number[]) => norm(u.map((x, j) => x - v[j]! + 1e-6));
    const lInf = (u: number[], v: number[]) => Math.max(...u.map((x, j) => Math.abs(x - v[j]!)));
    const cosine = (u: number[], v: number[]) => 1 - sumOf(u.map((x, j) => x * v[j]!)) / (norm(u) * norm(v));
    close(item(s.output), Math.max(0, 1 + euclid(a!, p!) - euclid(a!, n!)), 1e-4);
    close(item(s.output2), Math.max(0, 1.5 + lInf(a!, p!) - lInf(a!, n!)), 1e-4);
    close(item(s.output3), Math.max(0, 1 + cosine(a!, p!) - cosine(a!, n!)), 1e-4);
  },
};

describe('README loss examples', () => {
  test('every loss has an example and a check', () => {
    expect([...examples().keys()].sort()).toEqual(Object.keys(CHECKS).sort());
    expect(Object.keys(CHECKS)).toHaveLength(21);
  });
  for (const [name, code] of examples()) test(name, () => CHECKS[name]!(run(code)));

  test('the loss registry example', () => {
    const code = section.slice(section.indexOf('### The loss registry')).match(/```ts\n([\s\S]*?)```/)![1]!;
    const s = run(code);
    expect((s.names as string[]).slice(0, 3)).toEqual(['L1Loss', 'MSELoss', 'CrossEntropyLoss']);
    expect(s.names).toHaveLength(21);
    expect(s.defaults).toEqual({ reduction: 'mean', weight: null, ignoreIndex: -100, labelSmoothing: 0 });
    expect(s.torchName).toBe('kl_div');
    expect((s.huber as { delta: number }).delta).toBe(1);
  });

  test('the table of losses gives the registry\'s names and defaults', () => {
    const rows = [...section.matchAll(/^\| `(\w+)` \| `(\w+)` \| [^|]*(?:\\\|[^|]*)*\| ([^|]*) \|/gm)];
    expect(rows.map((r) => [r[1], r[2]])).toEqual(tensile.nn.LOSS_SPECS.map((spec) => [spec.name, spec.functional]));
    for (const [, name, , options] of rows) {
      const spec = tensile.nn.LOSS_SPECS.find((x) => x.name === name)!;
      for (const m of options!.matchAll(/`(\w+): ([-\w.]+)`/g)) expect([name, m[1], (spec.defaults as Record<string, unknown>)[m[1]!]]).toEqual([name, m[1], JSON.parse(m[2]!)]);
    }
  });

  test('the opening example', () => {
    const code = section.match(/```ts\n([\s\S]*?)```/)![1]!;
    const s = run(code);
    expect((s.output as Tensor).grad!.shape).toEqual([4, 3]);
  });
});
