/* The N-d strided walk: collapses dims, then calls a row function per innermost line. */
#ifndef TN_STRIDED_H
#define TN_STRIDED_H
#include "internal.h"

#define TN_WALK_MAX_OPS 4

/* One innermost line: p[k] is operand k's first element, s[k] its stride in elements, n the length. */
typedef void (*tn_row_fn)(void *const *p, const tn_idx *s, tn_idx n, const void *ctx);

int tn_walk(int nd, const tn_idx *shape, int nops, void *const *base, const tn_idx *const *strides, const int *elem_bytes, tn_row_fn row, const void *ctx);
int tn_elem_bytes(int dtype);
/* Float to int32 without traps: truncation, NaN and infinities 0, wrap modulo 2^32 beyond int32 (JavaScript's ToInt32). */
int32_t tn_to_i32(double x);

#endif
