// Line plots on a canvas, with axes and a few labelled ticks.

export interface Series {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
}

const PAD = { left: 52, right: 10, top: 10, bottom: 26 };

function extent(values: number[], margin: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const m = (hi - lo) * margin;
  return [lo - m, hi + m];
}

const tick = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3)));

/**
 * Sizes a canvas's backing store for the screen's devicePixelRatio, so that
 * lines and text are sharp on HiDPI screens: the canvas keeps its CSS size
 * (its width/height attributes as first written, remembered in data-css-*),
 * holds css size x ratio device pixels, and its context draws in CSS pixels.
 * Returns the context and the CSS size to draw in. Safe to call before every draw.
 */
export function fitToDevicePixels(canvas: HTMLCanvasElement, ratio = globalThis.devicePixelRatio ?? 1): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const dpr = Number.isFinite(ratio) && ratio > 0 ? ratio : 1;
  canvas.dataset.cssWidth ??= String(canvas.width);
  canvas.dataset.cssHeight ??= String(canvas.height);
  const width = Number(canvas.dataset.cssWidth);
  const height = Number(canvas.dataset.cssHeight);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const pw = Math.round(width * dpr);
  const ph = Math.round(height * dpr);
  // Assigning width/height clears the canvas and resets its state, so only when they change.
  if (canvas.width !== pw) canvas.width = pw;
  if (canvas.height !== ph) canvas.height = ph;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(pw / width, 0, 0, ph / height, 0, 0);
  return { ctx, width, height };
}

/** Draws the series over a shared x range; y spans the finite values (non-finite points break the line). */
export function plot(canvas: HTMLCanvasElement, series: readonly Series[], { logY = false, ratio }: { logY?: boolean; ratio?: number } = {}): void {
  const { ctx, width: w, height: h } = fitToDevicePixels(canvas, ratio);
  ctx.clearRect(0, 0, w, h);
  const fy = (v: number) => (logY ? Math.log10(Math.max(v, 1e-12)) : v);
  // x spans the data exactly; y gets 5% room above and below the curve.
  const [x0, x1] = extent(series.flatMap((s) => Array.from(s.xs)), 0);
  const [y0, y1] = extent(series.flatMap((s) => Array.from(s.ys, fy)), 0.05);
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (w - PAD.left - PAD.right);
  const py = (y: number) => h - PAD.bottom - ((fy(y) - y0) / (y1 - y0)) * (h - PAD.top - PAD.bottom);

  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeRect(PAD.left, PAD.top, w - PAD.left - PAD.right, h - PAD.top - PAD.bottom);
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    ctx.fillText(tick(xv), px(xv) - 12, h - 8);
    const yv = y0 + ((y1 - y0) * i) / 4;
    const yy = h - PAD.bottom - ((yv - y0) / (y1 - y0)) * (h - PAD.top - PAD.bottom);
    ctx.fillText(tick(logY ? 10 ** yv : yv), 4, yy + 4);
  }
  if (y0 < 0 && y1 > 0 && !logY) {
    ctx.strokeStyle = '#ddd';
    ctx.beginPath();
    ctx.moveTo(PAD.left, py(0));
    ctx.lineTo(w - PAD.right, py(0));
    ctx.stroke();
  }
  ctx.lineWidth = 2;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!Number.isFinite(fy(y))) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px(s.xs[i]!), py(y));
      else ctx.moveTo(px(s.xs[i]!), py(y));
      pen = true;
    }
    ctx.stroke();
  }
}
