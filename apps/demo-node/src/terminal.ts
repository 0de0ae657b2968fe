// Text output: a progress bar, a line chart and a table, for a terminal or a log.

/** A bar of `width` cells, `done / total` of it filled. */
export function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/**
 * A line chart of `values` (one column per value, or per group of values when
 * there are more than `width`), on a log scale when they span more than a decade.
 */
export function chart(values: readonly number[], { height = 10, width = 60 } = {}): string {
  if (values.length === 0) return '';
  const cols = Math.min(width, values.length);
  const sampled = Array.from({ length: cols }, (_, c) => values[Math.min(values.length - 1, Math.round((c * (values.length - 1)) / Math.max(1, cols - 1)))]!);
  const lo = Math.min(...sampled);
  const hi = Math.max(...sampled);
  const log = lo > 0 && hi / lo > 10;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const [a, b] = [f(lo), f(hi)];
  const rowOf = (v: number) => (b === a ? 0 : Math.round(((f(v) - a) / (b - a)) * (height - 1)));
  const grid = Array.from({ length: height }, () => Array<string>(cols).fill(' '));
  sampled.forEach((v, c) => (grid[height - 1 - rowOf(v)]![c] = '●'));
  const label = (row: number) => {
    const t = a + ((b - a) * (height - 1 - row)) / Math.max(1, height - 1);
    return (log ? 10 ** t : t).toPrecision(3).padStart(9);
  };
  const lines = grid.map((cells, row) => `${row === 0 || row === height - 1 || row === (height >> 1) ? label(row) : ' '.repeat(9)} ┤${cells.join('')}`);
  lines.push(`${' '.repeat(9)} └${'─'.repeat(cols)}`);
  return lines.join('\n');
}

/** A table with a header row; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
