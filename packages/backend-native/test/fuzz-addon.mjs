// Drives the addon's own entry points (their fields as src/calls.ts declares, passed in as JSON)
// with malformed arguments: random parameter blocks built from plausible and hostile pieces (freed and forged
// handles, offsets and shapes past the storage, negative and huge strides,
// NaN, fractions, too many dims), and bad direct arguments. Run in a child
// process by malformed.test.ts: a crash shows as a non-zero exit, not as a
// dead test runner. Prints a JSON summary on success.
import { createRequire } from 'node:module';

const [addonPath, callsJson, iterationsArg, seedArg] = process.argv.slice(2);
const CALLS = JSON.parse(callsJson);
const addon = createRequire(import.meta.url)(addonPath);
const P = addon.params;
let seed = Number(seedArg ?? 1) >>> 0;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

// Live storages of every dtype and a few sizes, plus one freed handle.
const live = [];
for (let dt = 0; dt < 4; dt++)
  for (const n of [0, 1, 6, 24, 100]) {
    const h = addon.alloc(dt, n);
    if (P[0] !== 0) throw new Error(`setup alloc failed: ${addon.lastError().message}`);
    live.push({ h, n, dt });
  }
const freed = addon.alloc(0, 8);
addon.free(freed);
// Index storages with in-range and out-of-range values.
const idx = addon.upload(new Int32Array([0, 1, 2, -1, 5, 1000000, 2147483647, -2147483648]), 2);
live.push({ h: idx, n: 8, dt: 2 });

const handles = () => pick([...live.map((s) => s.h), freed, -1, -2, 1e15, NaN, 0.5, 16777216 * 3 + 1, Infinity]);
const smallInts = [0, 1, 2, 3, 4, 5, 6, 8, 24, 100];
const hostile = [-1, 1e12, -1e12, NaN, 0.5, Infinity, 2 ** 53, 17, 2 ** 31];
const num = (p) => (rand() < p ? pick(hostile) : pick(smallInts));

function view(i) {
  P[i++] = handles();
  P[i++] = num(0.15);
  const nd = rand() < 0.1 ? pick([17, 40, -1, NaN, 1e9]) : Math.floor(rand() * 4);
  P[i++] = nd;
  const n = Number.isInteger(nd) && nd >= 0 && nd <= 16 ? nd : 3;
  for (let d = 0; d < n; d++) P[i++] = num(0.15);
  for (let d = 0; d < n; d++) P[i++] = rand() < 0.2 ? pick([0, -1, -2, 1e12, NaN]) : pick([0, 1, 2, 3, 4, 6]);
  return i;
}
function operand(i) {
  if (rand() < 0.2) {
    P[i] = -1;
    P[i + 1] = pick([2.5, NaN, -Infinity, 3e9, 0]);
    return i + 2;
  }
  return view(i);
}

// Fills one parameter block for an entry point from its declared fields (src/calls.ts), each value
// plausible or hostile: codes and flags out of range, NaN, fractions, views that lie.
function fields(call, i) {
  const flags = {};
  for (const f of call.fields) {
    if (f.when !== undefined && flags[f.when] !== 1) continue;
    if (f.kind === 'view' || f.kind === 'out') i = view(i);
    else if (f.kind === 'operand') i = operand(i);
    else {
      const v =
        f.kind === 'flag' ? pick([0, 1, 1, 2, NaN, -1]) : f.kind === 'number' ? (rand() < 0.2 ? pick([NaN, -1, 1e300, 0]) : rand()) : f.kind === 'code' ? num(0.2) % 40 : f.kind === 'dim' ? num(0.2) % 4 : num(0.2);
      if (f.kind === 'flag') flags[f.name] = v;
      P[i++] = v;
    }
  }
  return i;
}

const iterations = Number(iterationsArg ?? 2000);
const counts = { ok: 0, rejected: 0 };
for (let it = 0; it < iterations; it++)
  for (const [name, call] of Object.entries(CALLS)) {
    // Garbage beyond what the writer fills: a reader that overruns meets it.
    for (let k = 0; k < 200; k++) P[k] = rand() < 0.5 ? NaN : (rand() - 0.5) * 1e6;
    fields(call, 1);
    addon[name]();
    if (P[0] === 0) counts.ok++;
    else counts.rejected++;
  }

// Direct arguments of the storage entry points.
const bad = [undefined, null, 'x', {}, [], -1, NaN, 0.5, 1e300, 2 ** 60, Symbol.iterator, () => 0, 10n];
for (const a of bad)
  for (const b of bad) {
    addon.alloc(a, b);
    addon.free(a);
    addon.read(a, b, b);
    addon.read(live[2].h, a, b);
    addon.upload(a, b);
    addon.upload(new Float64Array(3), a);
    if (P[0] === 0 && typeof a !== 'number') throw new Error(`accepted ${String(a)}`);
  }
addon.upload(new Float32Array(3), 2); // a float32 array claimed as int32
if (P[0] === 0) throw new Error('upload accepted a mismatched typed array');
addon.read(live[2].h, 5, 2); // past the end of a 6-element storage
if (P[0] === 0) throw new Error('read past the end was accepted');
addon.alloc(0, 2 ** 40 + 1);
if (P[0] === 0) throw new Error('an absurd allocation was accepted');

console.log(JSON.stringify({ survived: true, ...counts, memory: addon.memory() }));
