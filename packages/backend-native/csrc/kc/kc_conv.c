/* @tensile/kernels-c src/conv.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "conv.c"
