import { getBackendObject, traceTransfer } from '../backend/registry.js';
import { needsGrad, record } from '../autograd/record.js';
import { DeviceError, DTypeError } from '../errors.js';
import { contiguousStrides } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguous } from './view.js';

function upload(x: Tensor, data: Parameters<ReturnType<typeof getBackendObject>['fromHost']>[0], device: string): Tensor {
  const target = getBackendObject(device);
  if (x.dtype === 'float64' && !target.supportsFloat64) throw new DTypeError(`to: device "${device}" has no float64 support; convert to float32 first`);
  const storage = target.fromHost(data, x.dtype);
  traceTransfer('upload', target.name, data.byteLength);
  const out = new Tensor(storage, x.shape, contiguousStrides(x.shape), 0);
  if (needsGrad(x)) {
    const from = x.device;
    record('to', [x], [out], [], (g) => [toDevice(g, from)]);
  }
  return out;
}

/** x on another device (x itself when already there). Synchronous: the source must support sync readback; else use toAsync. */
export function toDevice(x: Tensor, device: string): Tensor {
  x._live('to');
  if (x.device === device) return x;
  getBackendObject(device);
  if (!x.storage.backend.syncReadback)
    throw new DeviceError(`to: device "${x.device}" cannot read synchronously; use await x.toAsync('${device}')`);
  const c = contiguous(x);
  const data = c.dataSync();
  if (c !== x) c.dispose();
  return upload(x, data, device);
}

/** x on another device, reading asynchronously from the source (works from every backend). */
export async function toDeviceAsync(x: Tensor, device: string): Promise<Tensor> {
  x._live('toAsync');
  if (x.device === device) return x;
  getBackendObject(device);
  return upload(x, await x.data(), device);
}
