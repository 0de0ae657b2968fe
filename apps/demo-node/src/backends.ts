import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ready, tensor } from 'tensile';

export const BACKEND_NAMES = ['cpu', 'wasm', 'webgpu', 'native'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Best first for a small MLP on one machine, with the reason for the place. */
export const PREFERENCE: readonly [BackendName, string][] = [
  ['native', 'C++ kernels with AVX2 and a thread pool'],
  ['wasm', 'WebAssembly SIMD kernels'],
  ['webgpu', 'GPU kernels, but a small MLP is dominated by dispatch and readback latency'],
  ['cpu', 'the plain TypeScript reference kernels'],
];

export type Probe = { name: BackendName; available: true } | { name: BackendName; available: false; reason: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Loads a backend into this process (cpu comes with tensile) and waits until it can run; throws with the reason when it cannot. */
export async function startBackend(name: BackendName): Promise<void> {
  if (name !== 'cpu') {
    try {
      await import(/* @vite-ignore */ `@tensile/backend-${name}`);
    } catch (e) {
      throw new Error(`@tensile/backend-${name} is not installed or not built (${message(e)})`);
    }
  }
  let check: number;
  try {
    await ready(name);
    // A backend that starts but computes wrongly is no more use than one that does not start.
    check = await tensor([1, 2, 3], { device: name }).mul(2).sum().item();
  } catch (e) {
    throw new Error(message(e));
  }
  if (check !== 12) throw new Error(`started, but computed sum(2 * [1, 2, 3]) = ${check}, not 12`);
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs child.ts (child.js once built) in a fresh Node process. Each backend is
 * probed and, in --compare, trained in a process of its own: a backend that
 * crashes its process (a native addon, Dawn) is then reported, not fatal, and
 * two native libraries never share one process.
 */
export function runChild(args: string[], timeoutMs: number): Promise<ChildResult> {
  const here = fileURLToPath(import.meta.url);
  const child = here.replace(/[^/\\]+$/, here.endsWith('.ts') ? 'child.ts' : 'child.js');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // A process stuck in a driver is killed, and reported as such by childAnswer.
    const timer = setTimeout(() => {
      stderr += `\nerror: no answer within ${timeoutMs / 1000} s\n`;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON line a child prints last, or an Error that says how the child died. */
export function childAnswer<T>(name: string, r: ChildResult): T | Error {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    if (r.code === 0 && last.startsWith('{')) return JSON.parse(last) as T;
  } catch {
    // Falls through to the report below.
  }
  const how = r.signal !== null ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
  // Dawn prints warnings (and their source lines) that are not the cause.
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^Warning|^at /.test(l));
  const errLine = lines.findLast((l) => /error|assert|terminate|abort/i.test(l)) ?? lines.at(-1);
  return new Error(`the ${name} process ${how}${errLine ? `: ${errLine.trim()}` : ''}`);
}

/** Which backends can run here: cpu always; each other one is started in a child process, all at once. */
export async function probeBackends(): Promise<Probe[]> {
  return Promise.all(
    BACKEND_NAMES.map(async (name): Promise<Probe> => {
      if (name === 'cpu') return { name, available: true };
      const answer = childAnswer<{ ok: boolean; reason?: string }>(name, await runChild(['probe', name], 60_000));
      if (answer instanceof Error) return { name, available: false, reason: answer.message };
      return answer.ok ? { name, available: true } : { name, available: false, reason: answer.reason ?? 'unknown' };
    }),
  );
}

/** The most preferred available backend. */
export function best(probes: readonly Probe[]): BackendName {
  return PREFERENCE.find(([name]) => probes.some((p) => p.name === name && p.available))![0];
}
