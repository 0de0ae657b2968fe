import './style.css';
import { type Probe, probeBackends, WEB_BACKENDS, type WebBackend } from './backends.js';
import { evaluate, setUpExplorer } from './explorer.js';
import { type GptState, setUpGpt } from './gpt-page.js';
import type { GptRequest } from './gpt-protocol.js';
import { LOSS_SPECS } from './loss-specs.js';
import type { LossName } from '@tensile/demo-node/toy';
import { setBackend as selectDevice } from 'tensile';
import { type PlaygroundState, setUpPlayground } from './playground.js';

/** What the page knows, for people poking at it in the console and for the browser test. */
interface DemoHandle {
  probes: Probe[];
  backend: WebBackend;
  setBackend(name: WebBackend): Promise<void>;
  playground: PlaygroundState;
  startTraining(): Promise<void>;
  stopTraining(): void;
  errors: string[];
  gpt: GptState;
  startGpt(request?: Partial<GptRequest>): Promise<void>;
  /** The explorer's numbers for a loss at its default settings, on the chosen backend. */
  evaluateLoss(name: LossName): Promise<{ loss: number[]; grad: number[] }>;
}
declare global {
  interface Window {
    tensileDemo?: DemoHandle;
  }
}

/** For a page's small models: wasm first, as GPU dispatch latency outweighs the arithmetic. */
const PREFERRED: readonly WebBackend[] = ['wasm', 'webgpu', 'cpu'];

const errors: string[] = [];
function report(e: unknown): void {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  errors.push(text);
  console.error(e);
  const status = document.getElementById('pg-status')!;
  status.textContent = `Error: ${text}`;
}

const probes = await probeBackends();
let backend: WebBackend = PREFERRED.find((n) => probes.some((p) => p.name === n && p.available))!;

const list = document.getElementById('backend-list')!;
list.replaceChildren(
  ...WEB_BACKENDS.map((name) => {
    const p = probes.find((q) => q.name === name)!;
    const li = document.createElement('li');
    li.dataset.backend = name;
    li.dataset.available = String(p.available);
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'backend';
    radio.value = name;
    radio.disabled = !p.available;
    radio.checked = name === backend;
    radio.addEventListener('change', () => void handle.setBackend(name));
    label.append(radio, ` ${name} ${p.available ? '✓ available' : '✗ unavailable'}`);
    li.append(label);
    if (!p.available) {
      const why = document.createElement('div');
      why.className = 'reason';
      why.textContent = p.reason;
      li.append(why);
    }
    return li;
  }),
);

const explorer = setUpExplorer(() => backend, report);
const playground = setUpPlayground(() => backend, report);
const gpt = setUpGpt();

const handle: DemoHandle = {
  probes,
  get backend() {
    return backend;
  },
  async setBackend(name) {
    if (!probes.some((p) => p.name === name && p.available)) throw new Error(`backend ${name} is unavailable here`);
    backend = name;
    (document.querySelector(`input[name=backend][value=${name}]`) as HTMLInputElement).checked = true;
    await playground.reset();
    await explorer.rerun();
  },
  playground: playground.state,
  startTraining: playground.start,
  stopTraining: playground.stop,
  errors,
  gpt: gpt.state,
  startGpt: gpt.start,
  async evaluateLoss(name) {
    selectDevice(backend);
    const defaults = Object.fromEntries((LOSS_SPECS[name]?.controls ?? []).map((c) => [c.key, c.value]));
    const r = await evaluate(name, defaults);
    return { loss: Array.from(r.loss), grad: Array.from(r.grad) };
  },
};
window.tensileDemo = handle;
