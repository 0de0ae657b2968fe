// torch.nn.functional's attention. The composite lives in @tensile/core's op table (so a backend
// may register a fused kernel for it); F re-exports it under PyTorch's functional name.
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from '@tensile/core';
