/* @tensile/kernels-c src/reduce.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "reduce.c"
