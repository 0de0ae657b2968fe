/* @tensile/kernels-c src/matmul.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "matmul.c"
