#!/usr/bin/env node
// `npm run demo [-- options]`: builds what the demo needs quietly (turbo's logs only when a build
// fails), then runs the demo in apps/demo-node with the options given.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.stderr.write('demo: building (npm run build shows the logs)...');
const build = spawnSync(
  'npx',
  ['turbo', 'run', 'build', '--filter=@tensile/demo-node...', '--output-logs=errors-only', '--log-prefix=none'],
  { cwd: root, encoding: 'utf8' },
);
if (build.status !== 0) {
  process.stderr.write(' failed:\n');
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? String(build.error) : ''}\n`);
  process.exit(build.status ?? 1);
}
process.stderr.write(process.stderr.isTTY ? '\r\x1b[2K' : '\n');
const demo = spawnSync(process.execPath, ['dist/cli.js', ...process.argv.slice(2)], { cwd: `${root}apps/demo-node`, stdio: 'inherit' });
process.exit(demo.status ?? 1);
