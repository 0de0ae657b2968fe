/* @tensile/kernels-c src/attention.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "attention.c"
