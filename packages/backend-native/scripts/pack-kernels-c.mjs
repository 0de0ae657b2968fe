// prepack / postpack: the published package carries the C kernel sources it compiles
// (@tensile/kernels-c stays private to the monorepo), so an install from the
// registry or a tarball needs no other package of ours to build the addon.
//   node scripts/pack-kernels-c.mjs         copies kernels-c's src/ and include/ into ./kernels-c
//   node scripts/pack-kernels-c.mjs --clean removes that copy again (postpack)
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(pkg, 'kernels-c');
rmSync(target, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  const source = dirname(createRequire(join(pkg, 'package.json')).resolve('@tensile/kernels-c/package.json'));
  for (const dir of ['src', 'include']) cpSync(join(source, dir), join(target, dir), { recursive: true });
  cpSync(join(source, 'README.md'), join(target, 'README.md'));
  if (!existsSync(join(target, 'include', 'tensile_kernels.h'))) throw new Error(`pack-kernels-c: ${source} has no include/tensile_kernels.h`);
}
