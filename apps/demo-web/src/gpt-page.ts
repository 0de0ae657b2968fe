// The tiny-GPT section: starts gpt-worker.ts and draws what it posts (the loss per step, the
// lines the model writes), so the page stays responsive however slow the backend.
import type { GptMessage, GptRequest } from './gpt-protocol.js';
import { plot } from './plot.js';

export interface GptState {
  running: boolean;
  backend: string | null;
  losses: number[];
  epochLosses: number[];
  samples: string[];
  error: string | null;
}

export function setUpGpt(): { state: GptState; start(request?: Partial<GptRequest>): Promise<void> } {
  const state: GptState = { running: false, backend: null, losses: [], epochLosses: [], samples: [], error: null };
  const status = document.getElementById('gpt-status')!;
  const curve = document.getElementById('gpt-curve') as HTMLCanvasElement;
  const text = document.getElementById('gpt-samples')!;
  const button = document.getElementById('gpt-start') as HTMLButtonElement;

  function start(request: Partial<GptRequest> = {}): Promise<void> {
    const r: GptRequest = { epochs: 8, stepsPerEpoch: 20, seed: 0, ...request };
    Object.assign(state, { running: true, backend: null, losses: [], epochLosses: [], samples: [], error: null });
    button.disabled = true;
    text.replaceChildren();
    status.textContent = 'Starting the worker...';
    const worker = new Worker(new URL('./gpt-worker.ts', import.meta.url), { type: 'module' });
    return new Promise((resolve) => {
      const finish = () => {
        state.running = false;
        button.disabled = false;
        worker.terminate();
        resolve();
      };
      worker.onerror = (e) => {
        state.error = e.message || 'the worker failed to start';
        status.textContent = `Error: ${state.error}`;
        finish();
      };
      worker.onmessage = (e: MessageEvent<GptMessage>) => {
        const m = e.data;
        if (m.type === 'backend') {
          state.backend = m.name;
          status.textContent = `Training on ${m.name} in a worker.`;
        } else if (m.type === 'step') {
          state.losses.push(m.loss);
          plot(curve, [{ xs: state.losses.map((_, i) => i + 1), ys: state.losses, color: '#2563eb' }]);
        } else if (m.type === 'epoch') {
          state.epochLosses.push(m.loss);
          state.samples.push(m.sample);
          const line = document.createElement('li');
          line.textContent = `epoch ${m.epoch}, loss ${m.loss.toFixed(3)}: ${m.sample}`;
          text.append(line);
          status.textContent = `Training on ${state.backend} in a worker: epoch ${m.epoch}/${r.epochs}, loss ${m.loss.toFixed(3)}.`;
        } else if (m.type === 'done') {
          status.textContent = `Done on ${state.backend}: loss ${state.epochLosses[0]?.toFixed(3)} in epoch 1, ${state.epochLosses.at(-1)?.toFixed(3)} in epoch ${r.epochs}.`;
          finish();
        } else {
          state.error = m.message;
          status.textContent = `Error: ${m.message}`;
          finish();
        }
      };
      worker.postMessage(r);
    });
  }

  button.addEventListener('click', () => void start());
  return { state, start };
}
