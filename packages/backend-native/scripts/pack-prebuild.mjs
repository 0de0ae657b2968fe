// prepack / postpack: the published package carries the addon built on this machine as the
// prebuilt binary for its platform (prebuilds/<platform>-<arch>/), so installing on the same
// platform needs no compiler; the install script builds from source only where none loads.
// One binary serves AVX2 and baseline CPUs: the addon picks its kernels at run time.
//   node scripts/pack-prebuild.mjs          copies build/Release/tensile_native.node there
//   node scripts/pack-prebuild.mjs --clean  removes prebuilds/ again (postpack)
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(pkg, 'build', 'Release', 'tensile_native.node');
rmSync(join(pkg, 'prebuilds'), { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  if (!existsSync(built)) throw new Error(`pack-prebuild: no addon at ${built}; build it first (npm run build:addon)`);
  cpSync(built, join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'tensile_native.node'));
}
