/*
 * The wasm module's own piece: a static argument area the TypeScript side
 * fills with shapes, strides and scalar operands before each kernel call, so
 * no call allocates. Kernels themselves come from packages/kernels-c.
 */
#include "../../kernels-c/include/tensile_kernels.h"

/* Room for TN_MAX_DIMS-long shape and stride lists of up to 5 operands, then 4 scalar slots of 8 bytes. */
#define ARG_WORDS (TN_MAX_DIMS * 6)
static struct {
  tn_idx words[ARG_WORDS];
  double scalars[4];
} args __attribute__((aligned(16)));

__attribute__((visibility("default"))) void *tn_args(void) { return &args; }
__attribute__((visibility("default"))) int tn_api_version(void) { return TN_API_VERSION; }

/* The attention kernels' parameters (shapes and ten operands' strides: too many for the argument area). */
static tn_attention_params attention_args;

__attribute__((visibility("default"))) void *tn_attention_args(void) { return &attention_args; }
