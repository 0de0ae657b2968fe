// The canvas plots are sharp on HiDPI screens: the backing store holds CSS size x devicePixelRatio
// pixels, the CSS size stays what the page laid out, and drawing happens in CSS pixels.
import { describe, expect, it } from 'vitest';
import { fitToDevicePixels, plot } from '../src/plot.js';

/** A canvas stand-in that records what the plot does to its 2-d context. */
function fakeCanvas(width: number, height: number) {
  const calls: [string, ...unknown[]][] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get: (target, key: string) => (key in target ? target[key] : (...args: unknown[]) => void calls.push([key, ...args])),
    set: (target, key: string, value) => {
      target[key] = value;
      return true;
    },
  });
  const canvas = { width, height, style: { width: '', height: '' }, dataset: {} as Record<string, string>, getContext: () => ctx };
  return { canvas: canvas as unknown as HTMLCanvasElement, calls };
}

describe('plots on HiDPI screens', () => {
  it('a ratio of 2 doubles the backing store, keeps the CSS size and scales the context', () => {
    const { canvas, calls } = fakeCanvas(420, 260);
    const { width, height } = fitToDevicePixels(canvas, 2);
    expect([width, height]).toEqual([420, 260]);
    expect([canvas.width, canvas.height]).toEqual([840, 520]);
    expect([canvas.style.width, canvas.style.height]).toEqual(['420px', '260px']);
    expect(calls).toContainEqual(['setTransform', 2, 0, 0, 2, 0, 0]);
  });

  it('is idempotent and follows a change of ratio (a window moved to another screen)', () => {
    const { canvas } = fakeCanvas(420, 260);
    fitToDevicePixels(canvas, 2);
    fitToDevicePixels(canvas, 2);
    expect([canvas.width, canvas.height]).toEqual([840, 520]);
    fitToDevicePixels(canvas, 1.5);
    expect([canvas.width, canvas.height]).toEqual([630, 390]);
    fitToDevicePixels(canvas, 1);
    expect([canvas.width, canvas.height]).toEqual([420, 260]);
    fitToDevicePixels(canvas, Number.NaN);
    expect([canvas.width, canvas.height]).toEqual([420, 260]);
  });

  it('plot() draws in CSS pixels whatever the ratio: the same frame and the same line at 1x and 3x', () => {
    const series = [{ xs: [0, 1, 2], ys: [1, 0.5, 0.25], color: '#000' }];
    const draws = (ratio: number) => {
      const { canvas, calls } = fakeCanvas(420, 260);
      plot(canvas, series, { ratio });
      expect(canvas.width).toBe(420 * ratio);
      return calls.filter(([k]) => k !== 'setTransform');
    };
    const at1 = draws(1);
    expect(at1).toContainEqual(['clearRect', 0, 0, 420, 260]);
    expect(at1).toContainEqual(['strokeRect', 52, 10, 420 - 52 - 10, 260 - 10 - 26]);
    expect(draws(3)).toEqual(at1);
  });
});
