// docs/porting.md, "Porting from PyTorch": PyTorch 1.13's public names (tools/golden/pytorch-names.json,
// dumped by the golden generator with PyTorch) against what the `tensile` package exports.
import { readFileSync } from 'node:fs';
import { path } from './sources.mjs';

export const NAMES_FILE = 'tools/golden/pytorch-names.json';

/** Evaluates the `tensile` umbrella from its sources (through esbuild) and lists what it exports. */
export async function loadExports() {
  const { build } = await import('esbuild');
  const r = await build({
    stdin: { contents: "export * as T from './src/index.ts';", resolveDir: path('packages/tensile'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    conditions: ['source'],
    logLevel: 'silent',
  });
  const { T } = await import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
  const keys = (o) =>
    Object.keys(o ?? {})
      .filter((k) => !k.startsWith('_'))
      .sort();
  // Tensor's methods (functions on its prototype chain) and properties (getters, and fields of an instance).
  const members = new Set();
  const properties = new Set(Object.keys(T.tensor([1])));
  for (let p = T.Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const [n, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      members.add(n);
      if (d.get) properties.add(n);
    }
  for (const n of properties) members.add(n);
  const pub = (set) => [...set].filter((n) => !n.startsWith('_') && n !== 'constructor').sort();
  return {
    torch: keys(T),
    Tensor: pub(members),
    TensorProperties: pub(properties),
    nn: keys(T.nn),
    'nn.functional': keys(T.F),
    optim: keys(T.optim),
    'optim.lr_scheduler': keys(T.optim.lrScheduler),
  };
}

/** PyTorch's snake_case to Tensile's camelCase, keeping the in-place underscore: clamp_min_ -> clampMin_. */
export const camel = (name) => {
  const trail = /_+$/.exec(name)?.[0] ?? '';
  return name.slice(0, name.length - trail.length).replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()) + trail;
};

/** Where Tensile's spelling is not the camelCase name (or the name exists only to say what to use instead). */
const NOTES = {
  Tensor: {
    data: "`x.detach()` (Tensile's `x.data()` is the async readback, as `await x.data()`)",
    item: '`await x.item()`; `x.itemSync()` on cpu, wasm and native',
    tolist: '`await x.tolist()`; `x.tolistSync()` on cpu, wasm and native',
    numpy: 'missing (no NumPy): `await x.data()` (a typed array) with `x.shape`; `x.numpy()` throws, naming it',
    cuda: "missing (no CUDA): `x.to('webgpu')` / `x.to('native')`; `x.cuda()` throws, naming it",
    cpu: "`x.cpu()` (`x.to('cpu')`; from webgpu, `await x.toAsync('cpu')`)",
  },
};

const SECTIONS = [
  ['torch', 'torch.* tensor functions', (n) => `torch.${n}`, (t) => `\`${t}\``],
  ['Tensor', 'Tensor methods and properties', (n) => `Tensor.${n}`, (t, isMethod) => (isMethod ? `\`x.${t}()\`` : `\`x.${t}\``)],
  ['nn', 'torch.nn modules', (n) => `nn.${n}`, (t) => `\`nn.${t}\``],
  ['nn.functional', 'torch.nn.functional', (n) => `F.${n}`, (t) => `\`F.${t}\``],
  ['optim', 'torch.optim', (n) => `optim.${n}`, (t) => `\`optim.${t}\``],
  ['optim.lr_scheduler', 'torch.optim.lr_scheduler', (n) => `lr_scheduler.${n}`, (t) => `\`optim.lrScheduler.${t}\``],
];

/** The page. `src.EXPORTS` is what loadExports returns (absent: every name reads as missing). */
export function portingPage(src, banner) {
  const torch = JSON.parse(readFileSync(path(NAMES_FILE), 'utf8'));
  const exp = src.EXPORTS ?? {};
  const have = Object.fromEntries(SECTIONS.map(([k]) => [k, new Set(exp[k] ?? [])]));
  const summary = [];
  const body = [];
  for (const [key, title, torchName, tensileName] of SECTIONS) {
    const names = torch[key];
    let found = 0;
    const rows = names.map((n) => {
      const note = NOTES[key]?.[n];
      const t = camel(n);
      let cell;
      if (note) cell = note;
      else if (have[key].has(t)) cell = tensileName(t, !(exp.TensorProperties ?? []).includes(t));
      else if (key === 'torch' && have.Tensor.has(t)) cell = `missing (as a method: \`x.${t}()\`)`;
      else if (key === 'Tensor' && have.torch.has(t)) cell = `missing (as a function: \`${t}(x)\`)`;
      else cell = 'missing';
      if (!cell.startsWith('missing')) found++;
      return `| \`${torchName(n)}\` | ${cell} |`;
    });
    summary.push(`| ${title} | ${found} | ${names.length} |`);
    body.push('', `## ${title}`, '', `${found} of ${names.length}.`, '', '| PyTorch | Tensile |', '| --- | --- |', ...rows);
  }
  return [
    `<!-- ${banner} -->`,
    '',
    '# Porting from PyTorch',
    '',
    `Every public name of PyTorch ${torch.torch_version.replace(/a0$/, '')}'s tensor functions, Tensor methods, \`torch.nn\` modules,`,
    '`torch.nn.functional`, `torch.optim` and its LR schedulers, with its Tensile spelling, or "missing".',
    "Tensile's names are PyTorch's in camelCase (`log_softmax` -> `logSoftmax`, in-place `add_` stays `add_`);",
    "everything below is importable from `tensile` (`import { tensor, nn, F, optim } from 'tensile'`).",
    'Readback is asynchronous on every backend (`await x.data()`, `await x.item()`, `await x.tolist()`);',
    'cpu, wasm and native also read synchronously (`dataSync()`, `itemSync()`, `tolistSync()`).',
    '',
    "PyTorch's list comes from `tools/golden/torch_names.py` (run by `npm run golden`, with",
    "`python3-torch`), Tensile's from the `tensile` package's exports; `tools/codegen` writes this page",
    'and `npm run check:codegen` fails when it is stale.',
    '',
    '| names | in Tensile | in PyTorch |',
    '| --- | --- | --- |',
    ...summary,
    ...body,
    '',
  ].join('\n');
}
