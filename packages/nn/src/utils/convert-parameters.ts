// torch.nn.utils.parameters_to_vector / vector_to_parameters.
import { cat, isTensor, noGrad, ShapeError, type Tensor, tidy, ValueError, DeviceError } from '@tensile/core';

function listOf(op: string, parameters: Iterable<Tensor>): Tensor[] {
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!isTensor(p)) throw new ValueError(`${op}: expected tensors, item ${i} is ${p === null ? 'null' : typeof p}`);
    if (p.device !== list[0]!.device) throw new DeviceError(`${op}: found two parameters on different devices (${list[0]!.device} and ${p.device})`);
  });
  return list;
}

/** All parameters flattened and concatenated into one 1-d tensor (a copy, part of the graph). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = listOf('parametersToVector', parameters);
  if (list.length === 0) throw new ValueError('parametersToVector: expected at least one parameter');
  return tidy(() => cat(list.map((p) => p.reshape(-1))));
}

/** Copies consecutive slices of a 1-d vector into the parameters, in place (the inverse of parametersToVector). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!isTensor(vec)) throw new ValueError(`vectorToParameters: expected a tensor for vec, got ${typeof vec}`);
  if (vec.ndim !== 1) throw new ShapeError(`vectorToParameters: expected vec to be 1-d, got shape [${vec.shape.join(', ')}]`);
  const list = listOf('vectorToParameters', parameters);
  const total = list.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.numel()) throw new ShapeError(`vectorToParameters: vec has ${vec.numel()} elements, the parameters ${total}`);
  noGrad(() =>
    tidy(() => {
      let at = 0;
      for (const p of list) {
        p.copy_(vec.narrow(0, at, p.numel()).reshape(p.shape));
        at += p.numel();
      }
    }),
  );
}
