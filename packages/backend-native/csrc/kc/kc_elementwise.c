/* @tensile/kernels-c src/elementwise.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "elementwise.c"
