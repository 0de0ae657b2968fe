import { nn, tensor } from 'tensile';
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_LOSS_NAMES, classifierLoss, LOSS_CLASSES, LOSS_NAMES, makeToyData, notForClassifiers, TOY_DATA_SETS } from '../src/toy/index.js';

describe('toy data', () => {
  it.each(TOY_DATA_SETS)('%s: deterministic, balanced, in about [-1, 1], different for another seed', (kind) => {
    const a = makeToyData(kind, { n: 200, noise: 0.02, seed: 3 });
    const b = makeToyData(kind, { n: 200, noise: 0.02, seed: 3 });
    const c = makeToyData(kind, { n: 200, noise: 0.02, seed: 4 });
    expect(a.points).toEqual(b.points);
    expect(a.labels).toEqual(b.labels);
    expect(a.points).not.toEqual(c.points);
    expect(a.labels.reduce((s, v) => s + v, 0)).toBe(100);
    expect(Math.max(...a.points.map(Math.abs))).toBeLessThan(1.2);
  });
});

describe('losses for the classifier', () => {
  it('names the 21 losses of torch.nn, each an nn class', () => {
    expect(LOSS_NAMES).toHaveLength(21);
    for (const n of LOSS_NAMES) expect(typeof nn[LOSS_CLASSES[n]], n).toBe('function');
  });

  it('every loss either trains a classifier or says why not', () => {
    for (const n of LOSS_NAMES) {
      const why = notForClassifiers(n);
      expect(why === undefined, n).toBe(CLASSIFIER_LOSS_NAMES.includes(n));
      if (why !== undefined) expect(() => classifierLoss(n, 2)).toThrow(why);
    }
    expect(CLASSIFIER_LOSS_NAMES[0]).toBe('cross-entropy');
    expect(CLASSIFIER_LOSS_NAMES).toHaveLength(14);
  });

  it.each(CLASSIFIER_LOSS_NAMES)('%s: scores right logits lower than wrong ones, with a finite gradient', (name) => {
    const loss = classifierLoss(name, 3);
    const labels = tensor([0, 2, 1, 2], { dtype: 'int32' });
    // Logits that favour each point's own class by 3, and ones that favour the next class.
    const right = tensor([[3, 0, 0], [0, 0, 3], [0, 3, 0], [0, 0, 3]]).add(-1);
    const wrong = tensor([[0, 3, 0], [3, 0, 0], [0, 0, 3], [3, 0, 0]]).add(-1).requiresGrad_(true);
    const lw = loss(wrong, labels);
    expect(lw.shape).toEqual([]);
    expect(loss(right, labels).itemSync()).toBeLessThan(lw.itemSync());
    lw.backward();
    expect(Array.from(wrong.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
