import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

/** Sizes past the cache blocks (NB 256 columns, KB 128 rows, 4-way k unrolling) with ragged remainders. */
describe('blocked matmul against a float64 triple loop', () => {
  for (const transposed of [false, true])
    test(`[37, 301] x [301, 530]${transposed ? ' with a transposed right operand' : ''}`, () => {
      T.manualSeed(11);
      const a = T.randn(37, 301);
      const b = transposed ? T.randn(530, 301).t() : T.randn(301, 530);
      const got = T.matmul(a, b).dataSync();
      const av = a.dataSync();
      const bv = b.contiguous().dataSync();
      let worst = 0;
      for (let i = 0; i < 37; i++)
        for (let j = 0; j < 530; j++) {
          let s = 0;
          for (let k = 0; k < 301; k++) s += av[i * 301 + k]! * bv[k * 530 + j]!;
          worst = Math.max(worst, Math.abs(got[i * 530 + j]! - s) / (1 + Math.abs(s)));
        }
      expect(worst).toBeLessThan(1e-6);
    });
});
