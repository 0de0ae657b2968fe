import { linspace, nn, setBackend, type Tensor, tidy } from 'tensile';
import { LOSS_CLASSES, LOSS_NAMES, type LossName } from '@tensile/demo-node/toy';
import { type Control, LOSS_SPECS, type Values } from './loss-specs.js';
import { plot } from './plot.js';

const POINTS = 161;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface ExplorerResult {
  xs: Float32Array;
  loss: Float32Array;
  grad: Float32Array;
}

/**
 * The loss of each of POINTS predictions and its gradient, by autograd on the
 * current default backend: the losses are per point (reduction 'none'), so the
 * gradient of their sum holds each point's own derivative.
 */
export async function evaluate(name: LossName, values: Values): Promise<ExplorerResult> {
  const spec = LOSS_SPECS[name];
  if (spec === undefined) throw new Error(`the explorer has no plot of ${LOSS_CLASSES[name]} yet`);
  const optionValues = Object.fromEntries(spec.controls.filter((c) => c.option).map((c) => [c.key, values[c.key]]));
  const Loss = nn[LOSS_CLASSES[name]] as unknown as new (o: object) => ((...a: unknown[]) => Tensor) & { buffers(): Tensor[] };
  const lossModule = new Loss({ ...(spec.options?.(values) ?? optionValues), reduction: 'none' });
  const x = linspace(spec.range[0], spec.range[1], POINTS).requiresGrad_(true);
  const per = tidy(() => {
    const l = spec.run(x, values, lossModule as never);
    l.sum().backward();
    return l.detach();
  });
  try {
    return { xs: (await x.data()) as Float32Array, loss: (await per.data()) as Float32Array, grad: (await x.grad!.data()) as Float32Array };
  } finally {
    for (const b of lossModule.buffers()) b.dispose();
    per.dispose();
    x.grad?.dispose();
    x.dispose();
  }
}

function controlInput(c: Control, onChange: () => void): HTMLElement {
  const label = document.createElement('label');
  label.append(`${c.label} `);
  let input: HTMLInputElement | HTMLSelectElement;
  if (c.kind === 'select') {
    input = document.createElement('select');
    for (const v of c.choices!) input.add(new Option(String(v), String(v), false, v === c.value));
  } else {
    input = document.createElement('input');
    input.type = c.kind === 'boolean' ? 'checkbox' : 'number';
    if (c.kind === 'boolean') input.checked = c.value as boolean;
    else {
      input.value = String(c.value);
      input.step = String(c.step ?? 0.1);
    }
  }
  input.dataset.key = c.key;
  input.addEventListener('change', onChange);
  label.append(input);
  return label;
}

function readValues(controls: Control[]): Values {
  const out: Values = {};
  for (const c of controls) {
    const el = document.querySelector<HTMLInputElement>(`#loss-options [data-key="${c.key}"]`)!;
    out[c.key] = c.kind === 'boolean' ? el.checked : Number(el.value);
  }
  return out;
}

/** Wires the explorer; `rerun` redraws after a backend change. */
export function setUpExplorer(getBackend: () => string, report: (e: unknown) => void): { rerun: () => Promise<void> } {
  const select = $<HTMLSelectElement>('loss-select');
  for (const name of LOSS_NAMES) {
    const option = new Option(`${LOSS_CLASSES[name]} (${name})${LOSS_SPECS[name] ? '' : ' (no plot yet)'}`, name);
    option.disabled = LOSS_SPECS[name] === undefined;
    select.add(option);
  }
  const draw = async () => {
    const name = select.value as LossName;
    const spec = LOSS_SPECS[name]!;
    try {
      setBackend(getBackend());
      const r = await evaluate(name, readValues(spec.controls));
      plot($('loss-plot'), [{ xs: r.xs, ys: r.loss, color: '#1f5fbf' }]);
      plot($('grad-plot'), [{ xs: r.xs, ys: r.grad, color: '#c0392b' }]);
    } catch (e) {
      report(e);
    }
  };
  const choose = () => {
    const spec = LOSS_SPECS[select.value as LossName]!;
    $('loss-formula').textContent = `loss = ${spec.formula}`;
    $('loss-setup').textContent = spec.setup;
    $('loss-options').replaceChildren(...spec.controls.map((c) => controlInput(c, () => void draw())));
    void draw();
  };
  select.addEventListener('change', choose);
  choose();
  return { rerun: draw };
}
