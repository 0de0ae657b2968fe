// The child process of backends.ts: `probe <backend>` or `train <config JSON>`; its last stdout line is a JSON answer.
import { type BackendName, startBackend } from './backends.js';
import { train, type TrainConfig } from './train.js';

const [mode, arg] = process.argv.slice(2);
const answer = (value: object) => process.stdout.write(`\n${JSON.stringify(value)}\n`);

if (mode === 'probe') {
  try {
    await startBackend(arg as BackendName);
    answer({ ok: true });
  } catch (e) {
    answer({ ok: false, reason: (e as Error).message });
  }
} else if (mode === 'train') {
  const config = JSON.parse(arg!) as TrainConfig;
  await startBackend(config.backend as BackendName);
  const start = performance.now();
  const r = await train(config);
  answer({ finalLoss: r.finalLoss, testAccuracy: r.testAccuracy, seconds: (performance.now() - start) / 1000, epochs: r.epochs });
} else {
  process.stderr.write(`child: unknown mode ${mode}\n`);
  process.exitCode = 2;
}
