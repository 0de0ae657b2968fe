import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from './backends.js';
import { CLASSIFIER_LOSS_NAMES, LOSS_NAMES, type LossName, notForClassifiers } from './toy/index.js';
import { DEFAULT_GPT_CONFIG } from './gpt/train-gpt.js';
import { DEFAULT_CONFIG } from './train.js';

/** A command line that can not run: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export const MODEL_NAMES = ['mlp', 'gpt'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface Options {
  help: boolean;
  /** mlp: the spiral classifier; gpt: the character-level GPT on the built-in text. */
  model: ModelName;
  backend: BackendName | 'auto';
  /** --compare's backends (default: every available one). */
  backends: BackendName[] | null;
  /** null: the default for the mode (a full run, or a shorter --compare). */
  epochs: number | null;
  /** --model gpt's optimizer steps per epoch (null: its default). */
  steps: number | null;
  loss: LossName;
  seed: number;
  lr: number;
  compare: boolean;
  out: string;
  /** Test accuracy the run must reach, in [0, 1]. */
  target: number;
}

/** --compare's default length: float32 rounding differences between backends grow as training goes on (see README). */
export const COMPARE_EPOCHS = 20;
export const DEFAULT_TARGET = 0.99;
export const DEFAULT_OUT = 'spirals-mlp.safetensors';

export const USAGE = `Usage: npm run demo -- [options]        (or: tensile-demo [options])

Trains a small MLP (2 -> ${DEFAULT_CONFIG.hidden.join(' -> ')} -> 2, tanh, Adam) to tell apart two
interleaved spirals, generated deterministically from the seed, and saves it as safetensors.

With --model gpt, trains instead a tiny character-level GPT (${DEFAULT_GPT_CONFIG.model.nLayer} blocks, ${DEFAULT_GPT_CONFIG.model.nEmbd} wide, AdamW)
on a short built-in text and prints a line it writes after each epoch.

Options:
  --model <name>    mlp | gpt (default mlp)
  --backend <name>  cpu | wasm | webgpu | native | auto (default auto: the best one that starts here);
                    with --compare, a comma-separated list (default: every available one)
  --epochs <n>      passes over the ${DEFAULT_CONFIG.trainSize} training points (default ${DEFAULT_CONFIG.epochs}; ${COMPARE_EPOCHS} with --compare)
  --steps <n>       --model gpt: optimizer steps per epoch (default ${DEFAULT_GPT_CONFIG.stepsPerEpoch}; gpt runs ${DEFAULT_GPT_CONFIG.epochs} epochs by default)
  --loss <name>     the loss to train with (default cross-entropy); one of
                    ${CLASSIFIER_LOSS_NAMES.join(', ')}
  --lr <rate>       Adam's learning rate (default ${DEFAULT_CONFIG.lr}; ${DEFAULT_GPT_CONFIG.lr} for AdamW with --model gpt)
  --seed <n>        seed of the data, the initial weights and the shuffling (default ${DEFAULT_CONFIG.seed})
  --out <file>      where to save the model (default ${DEFAULT_OUT})
  --target <acc>    test accuracy to reach, in [0, 1]; the run fails below it (default ${DEFAULT_TARGET})
  --compare         train the same model from the same seed on every available backend and
                    compare: fails if final losses differ by more than 1e-3 relative
  -h, --help        show this help

Exit codes: 0 success, 1 the run missed its target or backends disagree, 2 bad command line.`;

function number(flag: string, text: string | undefined, fallback: number, check: (n: number) => boolean, want: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag}: expected ${want}, got ${JSON.stringify(text)}`);
  return n;
}

function lossName(text: string | undefined): LossName {
  if (text === undefined) return DEFAULT_CONFIG.loss;
  if (!(LOSS_NAMES as string[]).includes(text)) throw new UsageError(`--loss: unknown loss ${JSON.stringify(text)}; expected one of ${CLASSIFIER_LOSS_NAMES.join(', ')}`);
  const why = notForClassifiers(text as LossName);
  if (why !== undefined) throw new UsageError(`--loss ${text}: ${why}, so it can not train this classifier; expected one of ${CLASSIFIER_LOSS_NAMES.join(', ')}`);
  return text as LossName;
}

/** Parses argv (without node and the script); throws UsageError on anything it does not understand. */
export function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        model: { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        epochs: { type: 'string' },
        loss: { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string' },
        compare: { type: 'boolean' },
      },
    }));
  } catch (e) {
    // parseArgs names the flag; its hint about '--' does not apply here.
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const model = (values.model ?? 'mlp') as ModelName;
  if (!MODEL_NAMES.includes(model)) throw new UsageError(`--model: expected one of ${MODEL_NAMES.join(', ')}, got ${JSON.stringify(values.model)}`);
  const mlpOnly = (['compare', 'loss', 'out', 'target'] as const).find((f) => values[f] !== undefined);
  if (model === 'gpt' && mlpOnly !== undefined) throw new UsageError(`--${mlpOnly} applies to --model mlp only, not to --model gpt`);
  if (model === 'mlp' && values.steps !== undefined) throw new UsageError('--steps applies to --model gpt only');
  const compare = values.compare ?? false;
  const names = (values.backend ?? 'auto').split(compare ? ',' : /$^/);
  const valid: readonly string[] = compare ? BACKEND_NAMES : [...BACKEND_NAMES, 'auto'];
  const bad = names.find((n) => !valid.includes(n));
  if (values.backend !== undefined && bad !== undefined)
    throw new UsageError(`--backend: expected ${compare ? 'a comma-separated list of ' : 'one of '}${valid.join(', ')}, got ${JSON.stringify(bad)}`);
  return {
    help: values.help ?? false,
    model,
    backend: compare ? 'auto' : (names[0] as BackendName | 'auto'),
    backends: compare && values.backend !== undefined ? (names as BackendName[]) : null,
    epochs: values.epochs === undefined ? null : number('epochs', values.epochs, 0, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000, 'an integer from 1 to 10000'),
    steps: values.steps === undefined ? null : number('steps', values.steps, 0, (n) => Number.isInteger(n) && n >= 1 && n <= 100_000, 'an integer from 1 to 100000'),
    loss: lossName(values.loss),
    seed: number('seed', values.seed, DEFAULT_CONFIG.seed, (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer'),
    lr: number('lr', values.lr, model === 'gpt' ? DEFAULT_GPT_CONFIG.lr : DEFAULT_CONFIG.lr, (n) => n > 0 && n < 10, 'a number in (0, 10)'),
    compare,
    out: values.out ?? DEFAULT_OUT,
    target: number('target', values.target, DEFAULT_TARGET, (n) => n >= 0 && n <= 1, 'an accuracy in [0, 1]'),
  };
}
