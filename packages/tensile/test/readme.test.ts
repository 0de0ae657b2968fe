import { readFileSync } from 'node:fs';
import * as tensile from 'tensile';
import { expect, test } from 'vitest';

// The README's first example runs as written (plain JS as well as TS): its
// `import {...} from 'tensile'` line becomes arguments, console.log is captured.
test('the README example trains and its loss goes down', () => {
  const md = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(md)![1]!;
  const imports = /^import \{([^}]*)\} from 'tensile';\n/m.exec(block)!;
  const names = imports[1]!.split(',').map((s) => s.trim());
  const logged: string[] = [];
  const console = { log: (...a: unknown[]) => logged.push(a.join(' ')) };
  const lib = tensile as unknown as Record<string, unknown>;
  new Function('console', ...names, block.replace(imports[0], ''))(console, ...names.map((n) => lib[n]));
  const m = /^loss ([\d.]+) -> ([\d.]+)$/.exec(logged.join('\n'))!;
  expect(m).not.toBeNull();
  expect(Number(m[2])).toBeLessThan(Number(m[1]) / 10);
});
