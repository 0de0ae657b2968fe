/**
 * Finding a GPU device. Browsers (and Deno) provide navigator.gpu; in Node the
 * optional peer dependency `webgpu` (Dawn) is loaded by dynamic import, so
 * bundles for the browser never pull it in. In Node the default adapter is
 * tried first, then Dawn's OpenGL backend at the compatibility feature level,
 * which runs on Mesa's software rasteriser on machines without a GPU.
 * TENSILE_WEBGPU_DAWN (comma-separated Dawn toggles, e.g. "backend=vulkan")
 * and TENSILE_WEBGPU_FEATURE_LEVEL ("core" | "compatibility") force the choice.
 */

export interface Acquired {
  /** Held for the device's lifetime: in Dawn for Node, collecting the GPU object tears down the instance under a live device. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  /** How the adapter was found, for messages: "navigator.gpu", "dawn [backend=opengl] compatibility". */
  readonly source: string;
  readonly featureLevel: 'core' | 'compatibility';
  /** The device has the `subgroups` feature (core-level adapters that offer it). */
  readonly subgroups: boolean;
}

interface Candidate {
  readonly gpu: () => Promise<GPU>;
  readonly featureLevel: 'core' | 'compatibility';
  readonly source: string;
}

type DawnModule = { create(options: string[]): GPU };

function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function loadDawn(): Promise<DawnModule> {
  // A variable specifier keeps bundlers from resolving the 130 MB optional peer dependency.
  const specifier = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    throw new Error(`the optional peer dependency "webgpu" (Dawn for Node) is not installed: npm install webgpu (${(e as Error).message})`);
  }
}

function candidates(): Candidate[] {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const forcedLevel = env('TENSILE_WEBGPU_FEATURE_LEVEL') as 'core' | 'compatibility' | undefined;
  if (nav?.gpu !== undefined && !isNode()) {
    const gpu = nav.gpu;
    const levels: ('core' | 'compatibility')[] = forcedLevel ? [forcedLevel] : ['core', 'compatibility'];
    return levels.map((featureLevel) => ({ gpu: async () => gpu, featureLevel, source: `navigator.gpu ${featureLevel}` }));
  }
  if (!isNode()) return [];
  let dawn: Promise<DawnModule> | null = null;
  const gpu = (options: string[]) => async () => {
    dawn ??= loadDawn();
    if (options.includes('backend=opengl')) {
      // Mesa's EGL needs no display for offscreen rendering; only set when the user has not chosen.
      const p = (globalThis as { process: { env: Record<string, string | undefined> } }).process;
      p.env.EGL_PLATFORM ??= 'surfaceless';
    }
    return (await dawn).create(options);
  };
  const forced = env('TENSILE_WEBGPU_DAWN');
  if (forced !== undefined) {
    const options = forced.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const levels: ('core' | 'compatibility')[] = forcedLevel ? [forcedLevel] : ['core', 'compatibility'];
    return levels.map((featureLevel) => ({ gpu: gpu(options), featureLevel, source: `dawn [${options.join(',')}] ${featureLevel}` }));
  }
  return [
    { gpu: gpu([]), featureLevel: 'core', source: 'dawn default core' },
    { gpu: gpu(['backend=opengl']), featureLevel: 'compatibility', source: 'dawn [backend=opengl] compatibility' },
  ];
}

/** Limits the kernels need beyond WebGPU's compatibility defaults; the rest are raised to what the adapter offers. */
const NEEDED: Record<string, number> = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 16,
  maxStorageBuffersPerShaderStage: 4,
};
const RAISED = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize'];

async function tryCandidate(c: Candidate): Promise<Acquired | string> {
  let gpu: GPU;
  try {
    gpu = await c.gpu();
  } catch (e) {
    return (e as Error).message;
  }
  const adapter = await gpu.requestAdapter({ featureLevel: c.featureLevel } as GPURequestAdapterOptions).catch(() => null);
  if (adapter === null) return 'no adapter';
  const limits: Record<string, number> = {};
  const have = adapter.limits as unknown as Record<string, number>;
  for (const [k, v] of Object.entries(NEEDED)) {
    if ((have[k] ?? 0) < v) return `adapter limit ${k} is ${have[k]}, kernels need ${v}`;
    limits[k] = v;
  }
  for (const k of RAISED) if (have[k] !== undefined) limits[k] = Math.max(limits[k] ?? 0, have[k]!);
  try {
    const subgroups = adapter.features.has('subgroups');
    const device = await adapter.requestDevice({ requiredLimits: limits, requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [] });
    return { gpu, adapter, device, source: c.source, featureLevel: c.featureLevel, subgroups };
  } catch (e) {
    return `requestDevice failed: ${(e as Error).message}`;
  }
}

/** The first working adapter and device, or an Error listing why each candidate failed. */
export async function acquireDevice(): Promise<Acquired> {
  const list = candidates();
  if (list.length === 0) throw new Error('WebGPU is not available here (no navigator.gpu, and not Node)');
  const reasons: string[] = [];
  for (const c of list) {
    const r = await tryCandidate(c);
    if (typeof r !== 'string') return r;
    reasons.push(`${c.source}: ${r}`);
  }
  const hint = isNode()
    ? '; on Linux without a GPU, install Mesa (apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri) for the OpenGL fallback'
    : '';
  throw new Error(`no usable WebGPU adapter (${reasons.join('; ')})${hint}`);
}
