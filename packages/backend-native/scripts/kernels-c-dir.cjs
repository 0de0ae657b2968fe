// binding.gyp's kernels_c variable: the C kernel sources, relative to the package.
// A published package carries its own copy (./kernels-c, written by prepack);
// in the monorepo they come from the workspace package @tensile/kernels-c.
const { existsSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const pkg = join(__dirname, '..');
const packed = join(pkg, 'kernels-c');
const dir = existsSync(join(packed, 'include', 'tensile_kernels.h')) ? packed : dirname(require.resolve('@tensile/kernels-c/package.json', { paths: [pkg] }));
process.stdout.write(relative(process.cwd(), dir).split('\\').join('/') || '.');
