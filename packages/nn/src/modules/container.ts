// Containers: Sequential, ModuleList and ModuleDict hold submodules under
// PyTorch's names ("0", "1", ... for the numbered ones), so state dict keys
// such as "0.weight" match a PyTorch model's.
import { IndexError, type Tensor, ValueError } from '@tensile/core';
import { Module } from '../module.js';

function isModule(x: unknown): x is Module {
  return x instanceof Module;
}

function checkModule(op: string, m: unknown, at: string): Module {
  if (!isModule(m)) throw new ValueError(`${op}: ${at} is not a Module (got ${m === null ? 'null' : typeof m})`);
  return m;
}

/** Submodules kept in order and reachable by position (negative positions count from the end). */
// biome-ignore lint/suspicious/noExplicitAny: defaults as loose as Module's own
abstract class OrderedContainer<A extends unknown[] = any[], R = any> extends Module<A, R> {
  /** The submodule at a position, as PyTorch's `container[i]`; `container[0]` also works for numbered ones. */
  at(index: number): Module {
    const list = this.children();
    const n = list.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new IndexError(`${this.constructor.name}: index ${index} is out of range for ${n} modules`);
    return list[index < 0 ? index + n : index]!;
  }

  override get length(): number {
    return this.children().length;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /** Adds a module at the end, under the next number. */
  append(module: Module): this {
    this.registerModule(String(this.length), checkModule(`${this.constructor.name}.append`, module, 'the argument'));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    const list = [...modules];
    list.forEach((m, i) => checkModule(`${this.constructor.name}.extend`, m, `item ${i}`));
    for (const m of list) this.append(m);
    return this;
  }

  /** Inserts a module before position index, renumbering those after it. */
  insert(index: number, module: Module): this {
    checkModule(`${this.constructor.name}.insert`, module, 'the argument');
    const list = this.children();
    const n = list.length;
    if (!Number.isInteger(index) || index < -n || index > n) throw new IndexError(`${this.constructor.name}.insert: index ${index} is out of range for ${n} modules`);
    list.splice(index < 0 ? index + n : index, 0, module);
    for (const key of [...this._modules.keys()]) delete (this as unknown as Record<string, unknown>)[key];
    list.forEach((m, i) => this.registerModule(String(i), m));
    return this;
  }
}

/**
 * Runs its modules in order, each on the previous one's output:
 * `new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3))`, children
 * named "0", "1", "2" as in PyTorch; or `new Sequential({fc: ..., act: ...})`
 * for named children (PyTorch's OrderedDict form).
 */
export class Sequential extends OrderedContainer<[Tensor], Tensor> {
  [index: number]: Module;

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !isModule(first) && first !== null && typeof first === 'object') {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, checkModule('Sequential', m, `entry ${JSON.stringify(name)}`));
    } else {
      modules.forEach((m, i) => checkModule('Sequential', m, `argument ${i}`));
      (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  /** Tensor in, tensor out (`model(x)` is typed `Tensor`); each child takes the previous one's output. */
  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = m(x) as Tensor;
    return x;
  }
}

/** A list of submodules, registered under "0", "1", ...; it is not callable itself. */
export class ModuleList extends OrderedContainer<[], never> {
  [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  forward(): never {
    throw new ValueError('ModuleList: a ModuleList is not callable; call its modules (iterate over it or use at(i))');
  }
}

/** Submodules by name, in insertion order; it is not callable itself. */
export class ModuleDict extends Module<[], never> {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  get(key: string): Module | undefined {
    return this._modules.get(key) ?? undefined;
  }

  set(key: string, module: Module): this {
    this.registerModule(key, checkModule('ModuleDict.set', module, `the value for ${JSON.stringify(key)}`));
    return this;
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes and returns the module under key. */
  pop(key: string): Module {
    const m = this._modules.get(key);
    if (m === undefined || m === null) throw new ValueError(`ModuleDict.pop: no module under key ${JSON.stringify(key)}`);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  get size(): number {
    return this._modules.size;
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): Module[] {
    return this.children();
  }

  entries(): [string, Module][] {
    return [...this.namedChildren()];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  update(modules: Record<string, Module> | Iterable<[string, Module]>): this {
    const pairs: [string, Module][] =
      Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules as Record<string, Module>);
    for (const [k, m] of pairs) checkModule('ModuleDict', m, `the value for ${JSON.stringify(k)}`);
    for (const [k, m] of pairs) this.set(k, m);
    return this;
  }

  forward(): never {
    throw new ValueError('ModuleDict: a ModuleDict is not callable; call its modules (get(key))');
  }
}
