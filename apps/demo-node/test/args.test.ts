import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../src/args.js';
import { DEFAULT_GPT_CONFIG } from '../src/gpt/train-gpt.js';
import { DEFAULT_CONFIG } from '../src/train.js';

describe('parseOptions', () => {
  it('gives the defaults', () => {
    expect(parseOptions([])).toMatchObject({ help: false, backend: 'auto', backends: null, epochs: null, loss: 'cross-entropy', seed: 0, compare: false, target: 0.99 });
  });

  it('reads every option', () => {
    const o = parseOptions(['--backend', 'wasm', '--epochs', '5', '--loss', 'multi-margin', '--seed', '7', '--lr', '0.05', '--out', 'm.safetensors', '--target', '0.5']);
    expect(o).toMatchObject({ backend: 'wasm', epochs: 5, loss: 'multi-margin', seed: 7, lr: 0.05, out: 'm.safetensors', target: 0.5 });
    expect(parseOptions(['-h']).help).toBe(true);
    expect(parseOptions(['--compare', '--backend', 'cpu,wasm'])).toMatchObject({ compare: true, backend: 'auto', backends: ['cpu', 'wasm'] });
  });

  it('--model gpt takes --steps and its own default learning rate', () => {
    expect(parseOptions([])).toMatchObject({ model: 'mlp', steps: null, lr: DEFAULT_CONFIG.lr });
    expect(parseOptions(['--model', 'gpt'])).toMatchObject({ model: 'gpt', steps: null, lr: DEFAULT_GPT_CONFIG.lr });
    expect(parseOptions(['--model', 'gpt', '--steps', '4', '--epochs', '2', '--lr', '0.01'])).toMatchObject({ model: 'gpt', steps: 4, epochs: 2, lr: 0.01 });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--backend', 'gpu'], /--backend: expected one of cpu, wasm, webgpu, native, auto, got "gpu"/],
    [['--backend', 'cpu,wasm'], /--backend: expected one of .* got "cpu,wasm"/],
    [['--compare', '--backend', 'cpu,auto'], /comma-separated list of cpu, wasm, webgpu, native, got "auto"/],
    [['--epochs', '0'], /--epochs: expected an integer from 1 to 10000, got "0"/],
    [['--epochs', 'ten'], /--epochs: expected an integer/],
    [['--epochs'], /--epochs <value>' argument missing/],
    [['--seed=-1'], /--seed: expected a non-negative integer/],
    [['--lr', '0'], /--lr: expected a number in \(0, 10\)/],
    [['--target', '99'], /--target: expected an accuracy in \[0, 1\]/],
    [['--loss', 'hinge'], /--loss: unknown loss "hinge"; expected one of cross-entropy, /],
    [['--loss', 'ctc'], /--loss ctc: CTC scores sequences .* can not train this classifier/],
    [['--loss', 'triplet-margin'], /can not train this classifier/],
    [['--model', 'rnn'], /--model: expected one of mlp, gpt, got "rnn"/],
    [['--model', 'gpt', '--compare'], /--compare applies to --model mlp only, not to --model gpt/],
    [['--model', 'gpt', '--loss', 'nll'], /--loss applies to --model mlp only/],
    [['--steps', '3'], /--steps applies to --model gpt only/],
    [['--model', 'gpt', '--steps', '0'], /--steps: expected an integer from 1 to 100000, got "0"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
