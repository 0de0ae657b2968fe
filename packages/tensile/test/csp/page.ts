// Bundled with `tensile` and served under `script-src 'self' 'wasm-unsafe-eval'`: import, train one
// step of Linear + MSELoss + SGD on the default (cpu) device, and report the losses.
import { manualSeed, nn, optim, randn, getBackend } from 'tensile';

interface Outcome {
  backend: string;
  before: number;
  after: number;
  violations: string[];
  evalBlocked: string;
  wasm: { backend: string; y: number[] } | string;
}

async function main(): Promise<Outcome> {
  manualSeed(0);
  const model = new nn.Linear(4, 1);
  const lossFunction = new nn.MSELoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = randn([16, 4]);
  const y = randn([16, 1]);
  const before = lossFunction(model(x), y);
  optimizer.zeroGrad();
  before.backward();
  optimizer.step();
  const after = lossFunction(model(x), y);
  const outcome = { backend: getBackend(), before: await before.item(), after: await after.item() };
  // The wasm backend compiles its module, which this policy allows through 'wasm-unsafe-eval'.
  let wasm: Outcome['wasm'];
  try {
    await import('@tensile/backend-wasm');
    const { ready, tensor } = await import('tensile');
    await ready();
    const t = tensor([1, 2, 3]).mul(2);
    wasm = { backend: t.device, y: (await t.tolist()) as number[] };
  } catch (e) {
    wasm = String(e);
  }
  const w = window as unknown as { cspViolations: string[] };
  const violations = [...w.cspViolations];
  // The policy really is enforced here: compiling a string is refused (and reported).
  let evalBlocked = 'not blocked';
  try {
    new Function('return 1')();
  } catch (e) {
    evalBlocked = (e as Error).name;
  }
  return { ...outcome, violations, evalBlocked, wasm };
}

(window as unknown as { tensileCsp: Promise<Outcome> }).tensileCsp = main();
