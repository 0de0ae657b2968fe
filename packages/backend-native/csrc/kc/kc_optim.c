/* @tensile/kernels-c src/optim.c, built through this file so each ISA build (a gyp target) gets its own object file. */
#include "optim.c"
