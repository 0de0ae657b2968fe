import { readFileSync } from 'node:fs';
import * as tensile from 'tensile';
import { expect, test } from 'vitest';

// The README's first example is run as written (it is plain JS as well as TS):
// its `import {...} from 'tensile'` line becomes arguments, console.log is captured.
test('the README example runs and its loss goes down', () => {
  const md = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(md)![1]!;
  const imports = /^import \{([^}]*)\} from 'tensile';\n/m.exec(block)!;
  const names = imports[1]!.split(',').map((s) => s.trim());
  const logged: string[] = [];
  const console = { log: (...a: unknown[]) => logged.push(a.join(' ')) };
  const lib = tensile as unknown as Record<string, unknown>;
  new Function('console', ...names, block.replace(imports[0], ''))(console, ...names.map((n) => lib[n]));
  const m = /loss ([\d.]+) -> ([\d.]+), lr ([\d.e-]+)/.exec(logged.join('\n'))!;
  expect(m).not.toBeNull();
  expect(Number(m[2])).toBeLessThan(Number(m[1]) / 10);
  expect(Number(m[3])).toBeCloseTo(0.01 * 0.5 ** 4, 12);
});

/** Runs the README block that starts with `// example: <name>` as written, with its imports from 'tensile' as arguments; returns what it logged. */
async function runExample(name: string): Promise<string[]> {
  const md = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = new RegExp(`\`\`\`ts\\n// example: ${name}\\n([\\s\\S]*?)\`\`\``).exec(md)![1]!;
  const imports = /^import \{([^}]*)\} from 'tensile';\n/m.exec(block)!;
  const names = imports[1]!.split(',').map((s) => s.trim());
  const logged: string[] = [];
  const console = { log: (...a: unknown[]) => logged.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')) };
  const lib = tensile as unknown as Record<string, unknown>;
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('console', ...names, block.replace(imports[0], ''))(console, ...names.map((n) => lib[n]));
  return logged;
}

test('the README runs every optimizer, and each moves towards the minimum', async () => {
  const logged = await runExample('every optimizer');
  expect(logged).toHaveLength(11);
  for (const line of logged) {
    const [, values] = /^\w+ (.*)$/.exec(line)!;
    const p = JSON.parse(values!) as number[];
    expect(Math.hypot(...p), line).toBeLessThan(Math.hypot(1, 2, 3));
  }
});

test("the README's LBFGS example finds Rosenbrock's minimum", async () => {
  const [line] = await runExample('LBFGS');
  const [a, b] = JSON.parse(line!) as number[];
  expect(a).toBeCloseTo(1, 3);
  expect(b).toBeCloseTo(1, 3);
});

test('the README runs all 15 schedulers', async () => {
  // Their values are checked against PyTorch by the golden set; here: every one runs, as written, and moves the lr.
  const logged = await runExample('every scheduler');
  const exported = Object.keys(tensile.optim.lrScheduler).filter((k) => !['Scheduler', 'LRScheduler'].includes(k));
  expect(logged.map((l) => l.split(' ')[0]).sort()).toEqual(exported.sort());
  expect(logged).toHaveLength(15);
  for (const line of logged) expect(new Set(line.split(' ').slice(1)).size, line).toBeGreaterThan(1);
});

test("the README's checkpoint example saves and restores the optimizer's state and extra", async () => {
  const [line] = await runExample('checkpoints');
  expect(line).toBe('{"epoch":1} 1');
});

test("the README's fused-step example runs as written: SGD's buffer starts as the gradient, RMSprop's first step moves by lr / sqrt(1 - alpha)", async () => {
  const logged = await runExample('fused steps');
  expect(logged).toHaveLength(2);
  const [sgd, rms] = logged.map((l) => JSON.parse(`[${l.replace('] [', '], [')}]`) as number[][]);
  for (const x of sgd![0]!) expect(x).toBeCloseTo(0.9, 6);
  expect(sgd![1]).toEqual([1, 1, 1]);
  for (const x of rms![0]!) expect(x).toBeCloseTo(0.9, 5);
});
