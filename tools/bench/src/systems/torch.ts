import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Inputs } from '../data.js';
import type { Workload } from '../workloads.js';
import type { Prepared, Skipped, System } from './system.js';
import { Unavailable } from './system.js';

/** PyTorch on one thread, and on two with OpenMP's passive wait policy (no spinning on a shared 2-core machine). */
export const TORCH_SYSTEMS = [
  { id: 'torch-1t', threads: 1 },
  { id: 'torch-2t', threads: 2 },
] as const;

/** The package root, found from this module whether it runs from src/ (tests) or the bundled dist/cli.js. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@tensile/bench') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('tools/bench: cannot find the @tensile/bench package root');
    dir = up;
  }
}

/**
 * The first Python that can `import torch`: $TENSILE_BENCH_PYTHON, then
 * python3 on PATH, then the system's /usr/bin/python3 (Debian's python3-torch
 * lives there even when a version manager shadows python3 on PATH).
 */
function findPython(): { python: string } | { reason: string } {
  const tried: string[] = [];
  const candidates = [process.env.TENSILE_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of new Set(candidates)) {
    const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    tried.push(`${python}: ${why}`);
  }
  return { reason: `no python3 can import torch (${tried.join('; ')}); apt-get install python3-torch libopenblas0-pthread` };
}

export async function torchSystems(wanted: (id: string) => boolean): Promise<(System | Skipped)[]> {
  const ids = TORCH_SYSTEMS.filter((s) => wanted(s.id));
  if (ids.length === 0) return [];
  const found = findPython();
  if ('reason' in found) return ids.map((s) => ({ id: s.id, ours: false, reason: found.reason }));
  const out: (System | Skipped)[] = [];
  for (const s of ids) {
    try {
      out.push(await TorchSystem.start(found.python, s.id, s.threads));
    } catch (e) {
      out.push({ id: s.id, ours: false, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

interface Answer {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

/** One long-lived Python process per thread count, spoken to in JSON lines. */
class TorchSystem implements System {
  readonly ours = false;
  private readonly pending: ((a: Answer) => void)[] = [];
  private exited: string | null = null;
  private dir: string | null = null;
  description = '';

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly id: string,
    readonly threads: number,
  ) {
    const stderr: string[] = [];
    proc.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => this.pending.shift()?.(JSON.parse(line) as Answer));
    proc.on('exit', (code, signal) => {
      this.exited = `python exited (${signal ?? code}): ${stderr.join('').trim().split('\n').pop() ?? ''}`;
      for (const p of this.pending.splice(0)) p({ ok: false, error: this.exited });
    });
    proc.on('error', (e) => {
      this.exited = e.message;
      for (const p of this.pending.splice(0)) p({ ok: false, error: e.message });
    });
  }

  static async start(python: string, id: string, threads: number): Promise<TorchSystem> {
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' };
    const proc = spawn(python, [join(packageRoot(), 'python', 'torch_peer.py'), '--threads', String(threads)], { env, stdio: 'pipe' });
    const sys = new TorchSystem(proc, id, threads);
    const hello = await sys.answer();
    if (!hello.ok) throw new Error(`PyTorch peer did not start: ${hello.error}`);
    sys.description = `PyTorch ${String(hello.torch)} (${python}), cpu, ${String(hello.threads)} thread${threads === 1 ? '' : 's'}${threads > 1 ? ', OMP_WAIT_POLICY=PASSIVE' : ''}`;
    return sys;
  }

  private answer(): Promise<Answer> {
    if (this.exited !== null) return Promise.resolve({ ok: false, error: this.exited });
    return new Promise((resolve) => this.pending.push(resolve));
  }

  private async send(msg: object): Promise<Answer> {
    const a = this.answer();
    this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
    const r = await a;
    if (!r.ok) throw new Error(`PyTorch peer: ${r.error}`);
    return r;
  }

  async prepare(workload: Workload, inputs: Inputs): Promise<Prepared> {
    // Inputs travel as raw little-endian files, the same bytes the JS systems get.
    if (this.dir === null) this.dir = mkdtempSync(join(tmpdir(), 'tensile-bench-'));
    const arrays: Record<string, { path: string; dtype: string; shape: readonly number[] }> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const path = join(this.dir, `${name}.bin`);
      writeFileSync(path, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      arrays[name] = { path, dtype: t.data instanceof Int32Array ? 'int32' : 'float32', shape: t.shape };
    }
    try {
      await this.send({ cmd: 'prepare', spec: workload.spec, arrays });
    } catch (e) {
      throw new Unavailable(e instanceof Error ? e.message : String(e));
    }
    return {
      run: async (reps) => {
        const r = await this.send({ cmd: 'run', reps });
        return { ms: r.ms as number, value: (r.value as number | null) ?? null };
      },
      check: async () => (await this.send({ cmd: 'check' })).values as number[],
      // PyTorch's CPU allocator keeps no byte counter to sample.
      dispatches: () => null,
      memoryBytes: async () => null,
      resetPeak: async () => undefined,
      peakBytes: async () => null,
      dispose: async () => {
        await this.send({ cmd: 'dispose' });
      },
    };
  }

  async close(): Promise<void> {
    if (this.exited === null) {
      this.proc.stdin.end();
      await new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    }
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
  }
}
