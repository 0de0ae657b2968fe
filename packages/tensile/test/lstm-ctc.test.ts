import { describe, expect, test } from 'vitest';
import { Generator, logSoftmax, manualSeed, nn, optim, type Tensor, tensor, tidy } from 'tensile';

/**
 * A tiny transcription task: each input sequence spells 2-3 symbols from
 * {1, 2, 3}, each symbol held for 2-3 frames of its one-hot code plus noise,
 * with silent frames between. An LSTM with a linear head, trained with
 * CTCLoss, must bring the loss down by 90%.
 */
function makeBatch(n: number, T: number, seed: number): { x: Tensor; targets: Tensor; targetLengths: number[] } {
  const g = new Generator(seed);
  const x = new Float32Array(T * n * 4);
  const targets: number[] = [];
  const targetLengths: number[] = [];
  for (let b = 0; b < n; b++) {
    const u = g.uniform(8, true);
    const len = 2 + Math.floor(u[0]! * 2);
    let t = 1;
    for (let s = 0; s < len; s++) {
      const sym = 1 + Math.floor(u[1 + s]! * 3);
      targets.push(sym);
      const hold = 2 + Math.floor(u[4 + s]! * 2);
      for (let k = 0; k < hold && t < T; k++, t++) x[(t * n + b) * 4 + sym] = 1;
      t++; // a silent frame between symbols
    }
    targetLengths.push(len);
  }
  const noise = g.normal(T * n * 4);
  for (let i = 0; i < x.length; i++) x[i]! += 0.1 * noise[i]!;
  return { x: tensor(x, { shape: [T, n, 4] }), targets: tensor(Int32Array.from(targets)), targetLengths };
}

class Transcriber extends nn.Module<[Tensor], Tensor> {
  lstm = new nn.LSTM(4, 16);
  head = new nn.Linear(16, 4);
  forward(x: Tensor): Tensor {
    const [h] = this.lstm(x);
    return logSoftmax(this.head(h), 2);
  }
}

describe('LSTM + CTCLoss learns a tiny transcription task (cpu)', () => {
  test('the loss falls by 90%', () => {
    manualSeed(0);
    const T = 14;
    const n = 8;
    const batch = makeBatch(n, T, 5);
    const model = new Transcriber();
    const ctc = new nn.CTCLoss();
    const opt = new optim.Adam(model.parameters(), { lr: 0.03 });
    const inputLengths = new Array(n).fill(T);
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = ctc(model(batch.x), batch.targets, inputLengths, batch.targetLengths);
        loss.backward();
        opt.step();
        return loss.itemSync();
      });
    const first = step();
    let last = first;
    for (let i = 0; i < 150; i++) last = step();
    expect(last).toBeLessThan(0.1 * first);
  });
});
