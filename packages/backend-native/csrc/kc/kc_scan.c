/* @tensile/kernels-c src/scan.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "scan.c"
