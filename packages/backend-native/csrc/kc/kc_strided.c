/* @tensile/kernels-c src/strided.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "strided.c"
