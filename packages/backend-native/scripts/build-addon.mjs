// Builds the addon with node-gyp against the headers of the node that runs
// this script (no header download), and records why when it cannot.
// `--from-install` (the package's install script) first tries the binary the
// package ships for this platform (prebuilds/, added at pack time) and compiles
// nothing when it loads; it never fails the install: the backend then reports
// itself unavailable with the reason recorded here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fromInstall = process.argv.includes('--from-install');
const statusFile = join(pkg, 'build', 'addon-status.json');
export const BUILD_COMMAND = 'npm rebuild @tensile/backend-native';

function finish(ok, reason) {
  if (!ok && prebuiltFailure !== null) reason = `${reason}; ${prebuiltFailure}`;
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, JSON.stringify({ ok, reason, command: BUILD_COMMAND, node: process.version }, null, 2));
  if (!ok) {
    console.warn(`@tensile/backend-native: the native addon was not built: ${reason}\n  build it with: ${BUILD_COMMAND}`);
    process.exit(fromInstall ? 0 : 1);
  }
}

// The compiler's or gyp's own complaint, without node-gyp's boilerplate (stack, versions, cwd).
function tail(text, lines = 8) {
  const noise = /^gyp (ERR|info|http)! (stack +at|System|command|cwd|node -v|node-gyp -v|not ok)/;
  return text.split('\n').filter((l) => l.trim() !== '' && !noise.test(l)).slice(-lines).join('\n');
}

// A Node-API binary loads in any Node of the same platform that has its N-API version.
const prebuilt = join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'tensile_native.node');
let prebuiltFailure = null;
if (fromInstall && existsSync(prebuilt)) {
  try {
    if (typeof createRequire(import.meta.url)(prebuilt).alloc !== 'function') throw new Error('it exports no kernels');
    rmSync(join(pkg, 'build'), { recursive: true, force: true });
    mkdirSync(dirname(statusFile), { recursive: true });
    writeFileSync(statusFile, JSON.stringify({ ok: true, reason: null, prebuilt, command: BUILD_COMMAND, node: process.version }, null, 2));
    process.exit(0);
  } catch (e) {
    prebuiltFailure = `the prebuilt ${process.platform}-${process.arch} binary did not load (${e.message.split('\n')[0]})`;
    console.warn(`@tensile/backend-native: ${prebuiltFailure}; building from source`);
  }
}

// The running node's own headers: <prefix>/include/node next to <prefix>/bin/node.
const nodedir = resolve(process.execPath, '..', '..');
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  finish(false, `no Node.js headers at ${join(nodedir, 'include', 'node')} (install the Node.js development headers for ${process.version})`);
}

let gyp;
try {
  gyp = createRequire(join(pkg, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
} catch {
  finish(false, 'node-gyp is not installed (run npm install first)');
}

rmSync(join(pkg, 'build'), { recursive: true, force: true });
const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--release', '-j', 'max'], {
  cwd: pkg,
  encoding: 'utf8',
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (r.error) finish(false, `could not run node-gyp: ${r.error.message}`);
if (r.status !== 0) finish(false, `node-gyp rebuild failed (exit ${r.status}):\n${tail(`${r.stdout}\n${r.stderr}`)}`);
finish(true, null);
console.log('@tensile/backend-native: native addon built');
