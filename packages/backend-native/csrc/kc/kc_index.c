/* @tensile/kernels-c src/index.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "index.c"
