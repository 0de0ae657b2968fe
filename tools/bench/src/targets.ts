/** The speed targets of issue 9, read off the measured ratios (never asserted in tests). */
export interface Target {
  readonly backend: string;
  readonly peer: string;
  readonly groups: readonly string[];
  /** Least speedup (peer median / backend median) that meets it. */
  readonly minSpeedup: number;
  readonly text: string;
}

export const TARGETS: readonly Target[] = [
  { backend: 'cpu', peer: 'tfjs-cpu', groups: ['W1', 'W2', 'W5', 'W6'], minSpeedup: 5, text: 'at least 5x faster than tfjs-cpu' },
  { backend: 'cpu', peer: 'tfjs-cpu', groups: ['W3', 'W4'], minSpeedup: 2, text: 'at least 2x faster than tfjs-cpu' },
  { backend: 'wasm', peer: 'tfjs-wasm', groups: ['W1', 'W2', 'W5', 'W6'], minSpeedup: 2, text: 'at least 2x faster than tfjs-wasm' },
  { backend: 'wasm', peer: 'tfjs-wasm', groups: ['W3', 'W4'], minSpeedup: 1.3, text: 'at least 1.3x faster than tfjs-wasm' },
  { backend: 'native', peer: 'torch-1t', groups: ['W1', 'W2', 'W3', 'W5', 'W6', 'W9'], minSpeedup: 1, text: 'no slower than PyTorch on 1 thread' },
  { backend: 'native', peer: 'torch-1t', groups: ['W4'], minSpeedup: 1 / 1.2, text: 'within 1.2x of PyTorch on 1 thread' },
];

export interface TargetCheck {
  readonly target: Target;
  readonly workload: string;
  readonly status: 'met' | 'missed' | 'unverified';
  readonly speedup: number | null;
  /** Why it is unverified. */
  readonly reason?: string;
}

/** What `evaluate` needs of a run: each system's threads (absent: skipped) and each row's medians. */
export interface Measured {
  readonly threads: ReadonlyMap<string, number | null>;
  readonly rows: readonly { readonly id: string; readonly group: string; readonly median: ReadonlyMap<string, number>; readonly reason: ReadonlyMap<string, string> }[];
}

/** Met only on a ratio measured here, at equal thread counts; anything short of that is unverified, with the reason. */
export function evaluate(measured: Measured): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const target of TARGETS)
    for (const row of measured.rows.filter((r) => target.groups.includes(r.group))) {
      const unverified = (reason: string): void => void out.push({ target, workload: row.id, status: 'unverified', speedup: null, reason });
      const bt = measured.threads.get(target.backend);
      const pt = measured.threads.get(target.peer);
      const b = row.median.get(target.backend);
      const p = row.median.get(target.peer);
      if (bt === undefined) unverified(`${target.backend} did not run here`);
      else if (pt === undefined) unverified(`${target.peer} did not run here`);
      else if (bt !== pt) unverified(`thread counts differ (${target.backend} ${bt}, ${target.peer} ${pt})`);
      else if (b === undefined) unverified(`${target.backend}: ${row.reason.get(target.backend) ?? 'not measured'}`);
      else if (p === undefined) unverified(`${target.peer}: ${row.reason.get(target.peer) ?? 'not measured'}`);
      else {
        const speedup = p / b;
        out.push({ target, workload: row.id, status: speedup >= target.minSpeedup ? 'met' : 'missed', speedup });
      }
    }
  return out;
}
