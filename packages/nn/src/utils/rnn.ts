// torch.nn.utils.rnn: helpers for batches of variable-length sequences.
import { cat, checkOptions, DTypeError, DeviceError, fmtShape, full, isTensor, stack, type Tensor, tidy, ValueError, ShapeError } from '@tensile/core';

export interface PadSequenceOptions {
  /** Output [batch, maxLength, *] instead of [maxLength, batch, *] (default false). */
  batchFirst?: boolean;
  /** The value of the padding (default 0). */
  paddingValue?: number;
}

/**
 * Stacks sequences of shape [length_i, *] into one tensor, padding each to
 * the longest with paddingValue (PyTorch's pad_sequence): [maxLength, batch, *],
 * or [batch, maxLength, *] with batchFirst. The gradient flows to every sequence.
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  const o = checkOptions('pad_sequence', options, ['batchFirst', 'paddingValue']);
  if (!Array.isArray(sequences) || !sequences.every((s) => isTensor(s))) throw new ValueError('pad_sequence: sequences must be an array of tensors');
  if (sequences.length === 0) throw new ValueError('pad_sequence: received an empty list of sequences');
  const first = sequences[0]!;
  const trailing = fmtShape(first.shape.slice(1));
  for (const [i, s] of sequences.entries()) {
    if (s.ndim === 0) throw new ShapeError(`pad_sequence: sequence ${i} is 0-d; every sequence needs a length dim, got shape ${fmtShape(s.shape)}`);
    if (s.dtype !== first.dtype) throw new DTypeError(`pad_sequence: every sequence must have the same dtype, got ${first.dtype} (sequence 0) and ${s.dtype} (sequence ${i})`);
    if (s.device !== first.device) throw new DeviceError(`pad_sequence: every sequence must be on the same device, got ${first.device} (sequence 0) and ${s.device} (sequence ${i})`);
    if (fmtShape(s.shape.slice(1)) !== trailing)
      throw new ShapeError(`pad_sequence: every sequence must have the same trailing dims, got shape ${fmtShape(first.shape)} (sequence 0) and ${fmtShape(s.shape)} (sequence ${i})`);
  }
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]!));
  const value = o.paddingValue ?? 0;
  return tidy(() => {
    const padded = sequences.map((s) =>
      s.shape[0] === maxLen ? s : cat([s, full([maxLen - s.shape[0]!, ...s.shape.slice(1)], value, { dtype: s.dtype, device: s.device })], 0),
    );
    return stack(padded, o.batchFirst ? 0 : 1);
  });
}
