import { isTensor, keep, noGrad, ShapeError, type Tensor, ValueError, fmtShape, shapesEqual } from '@tensile/core';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

interface Internals {
  _parameters: Map<string, Parameter | null>;
  _buffers: Map<string, Tensor | null>;
  _nonPersistent: Set<string>;
  _modules: Map<string, Module | null>;
}

/**
 * Base class of every layer and loss, as PyTorch's nn.Module. Instances are
 * callable (`model(x)` runs `forward(x)`), and assigning a Parameter, a Module
 * or (to a registered buffer name) a Tensor to a property registers it.
 */
// biome-ignore lint/suspicious/noExplicitAny: a module's default forward takes and returns anything, as PyTorch's
export interface Module<A extends unknown[] = any[], R = any> {
  // biome-ignore lint/style/useShorthandFunctionType: the call signature merges into the class below (callable modules)
  (...args: A): R;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above only adds the call signature the constructor's Proxy provides
// biome-ignore lint/suspicious/noExplicitAny: a module's default forward takes and returns anything, as PyTorch's
export abstract class Module<A extends unknown[] = any[], R = any> {
  /** Training mode (the default) or eval mode; set by train() / eval(). */
  declare training: boolean;
  declare _parameters: Map<string, Parameter | null>;
  declare _buffers: Map<string, Tensor | null>;
  declare _nonPersistent: Set<string>;
  declare _modules: Map<string, Module | null>;

  constructor() {
    const callable = function (this: unknown, ...args: A): R {
      return (proxy as Module<A, R>).forward(...args);
    } as unknown as Module<A, R> & Internals;
    // Functions own non-writable `name` and `length`; free them for subclasses.
    delete (callable as { name?: string }).name;
    delete (callable as { length?: number }).length;
    Object.setPrototypeOf(callable, new.target.prototype);
    const internals: Internals = { _parameters: new Map(), _buffers: new Map(), _nonPersistent: new Set(), _modules: new Map() };
    for (const [k, v] of Object.entries(internals)) Object.defineProperty(callable, k, { value: v, enumerable: false, writable: false });
    // Set here, not as a field initializer: those would land on the object `new` made, which the proxy replaces.
    (callable as { training: boolean }).training = true;
    const proxy: Module<A, R> = new Proxy(callable, {
      set(target, key, value, receiver) {
        if (typeof key === 'string' && register(target, key, value)) return true;
        return Reflect.set(target, key, value, receiver);
      },
      defineProperty(target, key, desc) {
        if (typeof key === 'string' && 'value' in desc && register(target, key, desc.value)) return true;
        return Reflect.defineProperty(target, key, desc);
      },
      deleteProperty(target, key) {
        if (typeof key === 'string') {
          target._parameters.delete(key);
          target._buffers.delete(key);
          target._modules.delete(key);
        }
        return Reflect.deleteProperty(target, key);
      },
    });
    // biome-ignore lint/correctness/noConstructorReturn: the Proxy makes the instance callable (`model(x)`)
    return proxy;
  }

  abstract forward(...args: A): R;

  /** Registers a parameter (or null placeholder, as PyTorch's `register_parameter(name, None)`). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, name);
    setSlot(this, name, param, 'param');
  }

  /** Registers a buffer: state that is saved in stateDict but not trained (running statistics). */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName(this, name);
    if (tensor !== null) keep(tensor);
    setSlot(this, name, tensor, 'buffer');
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
  }

  registerModule(name: string, module: Module | null): void {
    checkName(this, name);
    setSlot(this, name, module, 'module');
  }

  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [mp, m] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]])
      for (const [n, p] of m._parameters) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${n}` : n, p];
      }
  }

  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }

  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    for (const [mp, m] of recurse ? this.namedModules(prefix) : [[prefix, this] as [string, Module]])
      for (const [n, b] of m._buffers) if (b !== null) yield [mp ? `${mp}.${n}` : n, b];
  }

  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers('', recurse)].map(([, b]) => b);
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [n, m] of this._modules) if (m !== null) yield [n, m];
  }

  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }

  *namedModules(prefix = '', memo: Set<Module> = new Set()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [n, m] of this._modules) if (m !== null) yield* m.namedModules(prefix ? `${prefix}.${n}` : n, memo);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Applies fn to every submodule, then to this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Drops every parameter's gradient (setToNone, the default) or zeroes it in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) {
        p.grad.dispose();
        p.grad = null;
      } else noGrad(() => p.grad!.zero_());
    }
  }

  /** Parameters and persistent buffers under PyTorch's dotted names. The tensors are the module's own, not copies. */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = {};
    for (const [mp, m] of this.namedModules(prefix)) {
      const pre = mp ? `${mp}.` : '';
      for (const [n, p] of m._parameters) if (p !== null) out[pre + n] = p;
      for (const [n, b] of m._buffers) if (b !== null && !m._nonPersistent.has(n)) out[pre + n] = b;
    }
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers.
   * Everything is checked first (keys with `strict`, shapes), so a failed load changes nothing.
   */
  loadStateDict(stateDict: StateDict, strict = true): { missingKeys: string[]; unexpectedKeys: string[] } {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))
      throw new ValueError(
        `loadStateDict: error(s) in loading state dict: ${missingKeys.length ? `missing key(s): ${missingKeys.join(', ')}` : ''}${missingKeys.length && unexpectedKeys.length ? '; ' : ''}${unexpectedKeys.length ? `unexpected key(s): ${unexpectedKeys.join(', ')}` : ''}`,
      );
    for (const [k, dst] of Object.entries(own)) {
      const src = stateDict[k];
      if (src === undefined) continue;
      if (!isTensor(src)) throw new ValueError(`loadStateDict: value for ${k} is not a tensor`);
      if (!shapesEqual(src.shape, dst.shape))
        throw new ShapeError(`loadStateDict: size mismatch for ${k}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(dst.shape)}`);
    }
    noGrad(() => {
      for (const [k, dst] of Object.entries(own)) {
        const src = stateDict[k];
        if (src !== undefined && src !== dst) dst.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Moves every parameter and buffer to a device (in place on the module, as PyTorch). */
  to(device: string): this {
    for (const m of this.modules()) {
      // Parameters move in place (PyTorch's param.data = ...), with their gradients: whatever holds them, an optimizer say, follows.
      for (const p of m._parameters.values()) {
        if (p === null || p.device === device) continue;
        noGrad(() => {
          const moved = p.to(device);
          p._setData(moved);
          moved.dispose();
          if (p.grad !== null) {
            const g = keep(p.grad.to(device));
            p.grad.dispose();
            p.grad = g;
          }
        });
      }
      for (const [n, b] of m._buffers) {
        if (b === null || b.device === device) continue;
        const nb = keep(b.to(device));
        b.dispose();
        m._buffers.set(n, nb);
        Reflect.set(m, n, nb);
      }
    }
    return this;
  }

  /** Extra text for toString, as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const name = this.constructor.name;
    const kids = [...this.namedChildren()];
    if (kids.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${String(m).split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }
}

function checkName(m: Module, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) throw new ValueError(`module attribute name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  void m;
}

function setSlot(m: Module, name: string, value: unknown, kind: 'param' | 'buffer' | 'module'): void {
  m._parameters.delete(name);
  m._buffers.delete(name);
  m._modules.delete(name);
  if (kind === 'param') m._parameters.set(name, value as Parameter | null);
  else if (kind === 'buffer') m._buffers.set(name, value as Tensor | null);
  else m._modules.set(name, value as Module | null);
  Reflect.defineProperty(m, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Assignment hook: parameters, modules, and tensors assigned to buffer names are registered. */
function register(target: Module & Internals, key: string, value: unknown): boolean {
  if (value instanceof Parameter) {
    setSlot(target, key, value, 'param');
    return true;
  }
  if (value instanceof Module) {
    setSlot(target, key, value, 'module');
    return true;
  }
  if (target._buffers.has(key) && (value === null || isTensor(value))) {
    if (value !== null) keep(value as Tensor);
    setSlot(target, key, value, 'buffer');
    return true;
  }
  if (target._parameters.has(key) && value === null) {
    setSlot(target, key, null, 'param');
    return true;
  }
  return false;
}
