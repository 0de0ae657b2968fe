import { fmtShape, indexSelect, select, ShapeError, tensor, type Tensor, ValueError } from '@tensile/core';

/** A map-style dataset (PyTorch's torch.utils.data.Dataset): a length and an item getter. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /** Optional fast path: many items at once, already collated (TensorDataset gathers rows in one op). */
  getBatch?(indices: readonly number[]): T;
}

/** Rows of tensors that share their first dim (PyTorch's TensorDataset); an item is the list of row views. */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: needs at least one tensor');
    const n = tensors[0]!.shape[0];
    for (const t of tensors)
      if (t.ndim === 0 || t.shape[0] !== n)
        throw new ShapeError(`TensorDataset: size mismatch between tensors: every tensor needs the same first dim, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`);
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): Tensor[] {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => select(t, 0, i));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    indices.forEach((i) => checkIndex('TensorDataset', i, this.length));
    const idx = tensor(Int32Array.from(indices), { device: this.tensors[0]!.device });
    const out = this.tensors.map((t) => indexSelect(t, 0, idx));
    idx.dispose();
    return out;
  }
}

/** A view of a dataset at the listed indices (PyTorch's Subset). */
export class Subset<T> implements Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {}

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset', index, this.indices.length)]!);
  }

  getBatch(indices: readonly number[]): T {
    const mapped = indices.map((i) => this.indices[checkIndex('Subset', i, this.indices.length)]!);
    if (this.dataset.getBatch) return this.dataset.getBatch(mapped);
    throw new ValueError('Subset: the underlying dataset has no getBatch');
  }
}

function checkIndex(op: string, index: number, length: number): number {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(i) || i < 0 || i >= length) throw new RangeError(`${op}: index ${index} out of range for a dataset of length ${length}`);
  return i;
}
