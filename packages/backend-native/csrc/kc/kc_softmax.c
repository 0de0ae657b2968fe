/* @tensile/kernels-c src/softmax.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "softmax.c"
