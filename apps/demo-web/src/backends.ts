import { ready, setBackend, tensor } from 'tensile';

/** The backends a browser can have, best first for the page's small models. */
export const WEB_BACKENDS = ['webgpu', 'wasm', 'cpu'] as const;
export type WebBackend = (typeof WEB_BACKENDS)[number];

export type Probe = { name: WebBackend; available: true } | { name: WebBackend; available: false; reason: string };

// Static imports would make a failing backend fail the page: each is loaded on its own.
const LOADERS: Record<WebBackend, () => Promise<unknown>> = {
  cpu: async () => undefined, // comes with tensile
  wasm: () => import('@tensile/backend-wasm'),
  webgpu: async () => {
    if (!('gpu' in navigator)) throw new Error('this browser has no navigator.gpu (WebGPU is off or unsupported)');
    return import('@tensile/backend-webgpu');
  },
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function probe(name: WebBackend): Promise<Probe> {
  try {
    await LOADERS[name]();
  } catch (e) {
    return { name, available: false, reason: message(e) };
  }
  try {
    await ready(name);
    // Starting is not enough: the backend must also compute.
    const check = await tensor([1, 2, 3], { device: name }).mul(2).sum().item();
    if (check !== 12) return { name, available: false, reason: `computed sum(2 * [1, 2, 3]) = ${check}, not 12` };
    return { name, available: true };
  } catch (e) {
    return { name, available: false, reason: message(e) };
  }
}

/** Loads every backend this browser may have; importing one selects it, so the default is put back to cpu after. */
export async function probeBackends(): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const name of WEB_BACKENDS) probes.push(await probe(name));
  setBackend('cpu');
  return probes;
}
