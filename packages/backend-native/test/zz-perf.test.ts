import * as T from '@tensile/core';
import { setNumThreads } from '@tensile/backend-native';
import { it } from 'vitest';
it('perf', () => {
  setNumThreads(1);
  const a = T.randn([1 << 20]), b = T.randn([1 << 20]);
  const time = (name: string, f: () => T.Tensor) => {
    let best = Infinity;
    for (let r = 0; r < 30; r++) { const t0 = performance.now(); const o = f(); best = Math.min(best, performance.now() - t0); o.dispose(); }
    process.stdout.write(`PERF ${name} ${(best * 1000).toFixed(0)} us\n`);
  };
  time('add', () => T.add(a, b));
  time('mul', () => T.mul(a, b));
  time('mul scalar', () => T.mul(a, 2));
  time('sum', () => T.sum(a));
  time('exp', () => T.exp(a));
  time('sub expand', () => T.sub(a, T.scalarTensor(1)));
  const x = T.randn([4096, 1000]);
  time('amax rows', () => T.amax(x, 1, true));
  time('sub bcast', () => T.sub(x, T.amax(x, 1, true)));
  time('exp 4M', () => T.exp(x));
  time('sum rows', () => T.sum(x, 1));
  time('logSoftmax', () => T.logSoftmax(x, 1));
});
