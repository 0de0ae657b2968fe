/* @tensile/kernels-c src/mathf.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "mathf.c"
