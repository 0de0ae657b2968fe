/*
 * Force-included (-include) when compiling @tensile/kernels-c: renames every
 * external symbol to TN_PREFIX<name>, so the baseline and the AVX2 builds of
 * the same sources link into one addon. A symbol missing here makes the link
 * fail with "multiple definition", never a silent mix of the two builds.
 */
#ifndef TN_PREFIX
#error "define TN_PREFIX (tn_base_ or tn_avx2_)"
#endif
#define TN_PFX_CAT2(a, b) a##b
#define TN_PFX_CAT(a, b) TN_PFX_CAT2(a, b)
#define tn_unary TN_PFX_CAT(TN_PREFIX, unary)
#define tn_binary TN_PFX_CAT(TN_PREFIX, binary)
#define tn_where TN_PFX_CAT(TN_PREFIX, where)
#define tn_cast TN_PFX_CAT(TN_PREFIX, cast)
#define tn_fill TN_PFX_CAT(TN_PREFIX, fill)
#define tn_reduce TN_PFX_CAT(TN_PREFIX, reduce)
#define tn_matmul TN_PFX_CAT(TN_PREFIX, matmul)
#define tn_matmul_workspace TN_PFX_CAT(TN_PREFIX, matmul_workspace)
#define tn_gather TN_PFX_CAT(TN_PREFIX, gather)
#define tn_scatter TN_PFX_CAT(TN_PREFIX, scatter)
#define tn_cumsum TN_PFX_CAT(TN_PREFIX, cumsum)
#define tn_cumprod TN_PFX_CAT(TN_PREFIX, cumprod)
#define tn_sort TN_PFX_CAT(TN_PREFIX, sort)
#define tn_sort_workspace TN_PFX_CAT(TN_PREFIX, sort_workspace)
#define tn_softmax_f32 TN_PFX_CAT(TN_PREFIX, softmax_f32)
#define tn_softmax_backward_f32 TN_PFX_CAT(TN_PREFIX, softmax_backward_f32)
#define tn_adam_f32 TN_PFX_CAT(TN_PREFIX, adam_f32)
#define tn_collapse TN_PFX_CAT(TN_PREFIX, collapse)
#define tn_walk TN_PFX_CAT(TN_PREFIX, walk)
#define tn_elem_bytes TN_PFX_CAT(TN_PREFIX, elem_bytes)
#define tn_to_i32 TN_PFX_CAT(TN_PREFIX, to_i32)
#define tn_erf TN_PFX_CAT(TN_PREFIX, erf)
#define tn_vexpm1f TN_PFX_CAT(TN_PREFIX, vexpm1f)
#define tn_vlog1pf TN_PFX_CAT(TN_PREFIX, vlog1pf)
#define tn_vlogf TN_PFX_CAT(TN_PREFIX, vlogf)
#define tn_vtanhf TN_PFX_CAT(TN_PREFIX, vtanhf)
