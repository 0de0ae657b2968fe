// The root README's count of the packaged golden set, read from the set itself
// (packages/conformance/golden), so the sentence cannot drift from the files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { path } from './sources.mjs';

/** Cases by kind, counted as the generator counts them: a file's cases, a training run per file, a safetensors file per interop entry. */
export function goldenCounts(root = path('packages/conformance/golden')) {
  const counts = {};
  let losses = 0;
  let malformed = 0;
  if (!existsSync(root)) return { counts, losses, malformed, total: 0 };
  for (const kind of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    let n = 0;
    const names = readdirSync(`${root}/${kind}`);
    // A kind without JSON (checkpoints) is one case per safetensors file.
    if (!names.some((f) => f.endsWith('.json'))) n = names.filter((f) => f.endsWith('.safetensors')).length;
    for (const f of names.filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(readFileSync(`${root}/${kind}/${f}`, 'utf8'));
      if (Array.isArray(doc.cases)) n += doc.cases.length;
      else if (Array.isArray(doc.files)) {
        n += doc.files.length;
        malformed += doc.files.filter((x) => x.reject).length;
      } else n += 1;
      if (kind === 'losses') losses++;
    }
    counts[kind] = n;
  }
  return { counts, losses, malformed, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

const fmt = (n) => n.toLocaleString('en-US');

export function goldenStatus() {
  const { counts: c, losses, malformed, total } = goldenCounts();
  const k = (name) => fmt(c[name] ?? 0);
  return [
    `  ${fmt(total)} cases — ${k('ops')} ops, ${k('losses')} loss cases over all ${losses} losses (0-d, unbatched,`,
    `  empty, integer and bool targets, special values, error inputs), ${k('layers')} layer`,
    `  cases, ${k('optim')} optimizer and ${k('schedulers')} scheduler cases, ${k('training')} training runs (a`,
    `  character-level GPT among them), ${k('interop')} safetensors files (${fmt(malformed)} malformed),`,
    `  ${k('programs')} random programs (every value and gradient) and ${k('checkpoints')} checkpoints written by PyTorch.`,
  ].join('\n');
}
