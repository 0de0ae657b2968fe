import {
  checkOptions,
  DeviceError,
  DTypeError,
  enableGrad,
  fmtShape,
  isFloat,
  isTensor,
  keep,
  noGrad,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@tensile/core';
import { checkNumber } from './check.js';

/** The options every optimizer has. */
export interface OptimizerOptions {
  lr: number;
}

/**
 * One parameter group: its tensors and its options (every option filled in).
 * Schedulers keep their per-group values here too (`initialLr`, `maxLr`, ...),
 * as PyTorch keeps them in `param_groups`, so they travel with `stateDict()`.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & { params: Tensor[]; [field: string]: unknown };

/**
 * What schedulers keep in a group (PyTorch's `initial_lr`, `max_lr`, `min_lr`,
 * `max_momentum`, `base_momentum`): a group may come with them, to resume a
 * schedule (a scheduler built with `lastEpoch`).
 */
export interface SchedulerGroupFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

const SCHEDULER_FIELDS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];

/** A parameter group as given by the caller: its tensors, the options it overrides, and any scheduler fields it resumes with. */
export type ParamGroupInput<O> = Partial<O> & SchedulerGroupFields & { params: Iterable<Tensor> | Tensor };

/** What an optimizer is built on: parameters (one group) or parameter groups. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One state value: a step count or scalar, a buffer, or (LBFGS's history) a list of them. */
export type ParamStateValue = Tensor | number | null | (Tensor | number | null)[];

/** Per-parameter state: step counts as numbers, buffers as tensors owned by the optimizer. */
export type ParamState = Record<string, ParamStateValue>;

/**
 * PyTorch's `optimizer.state_dict()` layout: `state` keyed by the parameter's
 * position across all groups, and each group's options with `params` as those
 * positions. The tensors are the optimizer's own (as in PyTorch); a
 * `loadStateDict` copies them, so the optimizer it loads into never shares them.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Per-optimizer description: its name, its defaults (undefined: required) and how to check option values. */
export interface OptimizerSpec<O extends OptimizerOptions> {
  readonly name: string;
  readonly defaults: { readonly [K in keyof O]: O[K] | undefined };
  /** Throws ValueError for an invalid option value (negative lr, betas outside [0, 1), ...). */
  readonly validate: (options: O) => void;
}

/** A deep copy of an option value (betas are arrays; everything else is a plain value). */
function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? v.map(copyValue) : v;
}

/**
 * The base of every optimizer, as PyTorch's `torch.optim.Optimizer`. Updates
 * run under `noGrad` with in-place ops and JS-number hyperparameters, so a step
 * never reads a tensor back to JS and works on every backend without a sync.
 * Each parameter's update runs in its own `tidy`: temporaries are freed at once,
 * while state tensors are kept (owned by the optimizer).
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created at a parameter's first step. */
  readonly state = new Map<Tensor, ParamState>();
  private readonly spec: OptimizerSpec<O>;

  protected constructor(spec: OptimizerSpec<O>, params: Params<O>, options: Partial<O> | undefined) {
    this.spec = spec;
    const given = checkOptions(spec.name, options, Object.keys(spec.defaults));
    const defaults: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec.defaults)) defaults[k] = copyValue(v);
    for (const [k, v] of Object.entries(given)) if (v !== undefined) defaults[k] = copyValue(v);
    // Required options (SGD's lr) may instead come with every group, as in PyTorch.
    if (Object.values(defaults).every((v) => v !== undefined)) spec.validate(defaults as O);
    this.defaults = defaults as O;

    if (isTensor(params)) throw new ValueError(`${spec.name}: params should be an iterable of Tensors or parameter groups, but got a Tensor`);
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function')
      throw new ValueError(`${spec.name}: params should be an iterable of Tensors or parameter groups, but got ${params === null ? 'null' : typeof params}`);
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError(`${spec.name}: optimizer got an empty parameter list`);
    const groups: ParamGroupInput<O>[] = list.every(isTensor)
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
      : list.map((g) => {
          if (isTensor(g) || typeof g !== 'object' || g === null)
            throw new ValueError(`${spec.name}: params should be all Tensors or all parameter groups ({params, ...options}), not a mix`);
          return g as ParamGroupInput<O>;
        });
    for (const g of groups) this.paramGroups.push(this.buildGroup(g, this.paramGroups));
  }

  /** Adds a parameter group (e.g. layers unfrozen during fine-tuning); options it omits come from the defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    this.paramGroups.push(this.buildGroup(group, this.paramGroups));
  }

  private buildGroup(input: ParamGroupInput<O>, existing: readonly ParamGroup<O>[]): ParamGroup<O> {
    const name = this.spec.name;
    const { params: raw, ...given } = checkOptions(`${name} param group`, input, ['params', ...Object.keys(this.spec.defaults), ...SCHEDULER_FIELDS]);
    if (raw === undefined) throw new ValueError(`${name}: a parameter group needs 'params'`);
    const params = isTensor(raw) ? [raw] : [...(raw as Iterable<Tensor>)];
    const seen = new Set<Tensor>();
    for (const [i, p] of params.entries()) {
      if (!isTensor(p)) throw new ValueError(`${name}: optimizer can only optimize Tensors, but param ${i} is ${p === null ? 'null' : typeof p}`);
      p._live(name);
      if (!isFloat(p.dtype)) throw new DTypeError(`${name}: can only optimize floating point tensors, but param ${i} has dtype ${p.dtype}`);
      if (!p.isLeaf) throw new ValueError(`${name}: can't optimize a non-leaf Tensor (param ${i} of shape ${fmtShape(p.shape)})`);
      if (seen.has(p)) throw new ValueError(`${name}: a parameter group contains the same parameter twice (param ${i})`);
      seen.add(p);
    }
    for (const g of existing)
      for (const p of g.params) if (seen.has(p)) throw new ValueError(`${name}: some parameters appear in more than one parameter group`);
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) options[k] = copyValue(v);
    for (const [k, v] of Object.entries(given)) if (v !== undefined) options[k] = copyValue(v);
    for (const [k, v] of Object.entries(options))
      if (v === undefined) throw new ValueError(`${name}: parameter group didn't specify a value of required optimization parameter ${k}`);
    this.spec.validate(options as O);
    for (const k of SCHEDULER_FIELDS) if (options[k] !== undefined) checkNumber(name, k, options[k]);
    return { ...options, params } as ParamGroup<O>;
  }

  /** Drops every gradient (setToNone, the default, as PyTorch 2) or zeroes it in place. */
  zeroGrad(options?: { setToNone?: boolean }): void {
    const { setToNone = true } = checkOptions(`${this.spec.name}.zeroGrad`, options, ['setToNone']);
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else {
          // A gradient built with createGraph has a history; zeroing cuts it (PyTorch's detach_()).
          if (p.grad.gradFn !== null) {
            const cut = keep(p.grad.detach());
            p.grad.dispose();
            p.grad = cut;
          }
          noGrad(() => p.grad!.zero_());
        }
      }
  }

  /**
   * One update of every parameter that has a gradient. `closure`, when given,
   * re-evaluates the model with autograd on and returns the loss, which step returns.
   */
  step<R = undefined>(closure?: () => R): R | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    // Checked before anything changes, so a bad gradient leaves every parameter as it was.
    for (const g of this.paramGroups)
      for (const p of g.params) {
        const grad = p.grad;
        if (grad === null) continue;
        p._live(`${this.spec.name}.step`);
        grad._live(`${this.spec.name}.step`);
        if (grad.device !== p.device)
          throw new DeviceError(`${this.spec.name}.step: gradient on device ${grad.device} for a parameter on device ${p.device}`);
        if (grad.shape.length !== p.shape.length || grad.shape.some((d, i) => d !== p.shape[i]))
          throw new ShapeError(`${this.spec.name}.step: gradient of shape ${fmtShape(grad.shape)} for a parameter of shape ${fmtShape(p.shape)}`);
      }
    noGrad(() => {
      for (const g of this.paramGroups)
        for (const p of g.params) {
          const grad = p.grad;
          if (grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) {
            state = {};
            this.state.set(p, state);
          }
          const s = state;
          tidy(() => this.update(p, grad, g, s));
        }
    });
    return loss;
  }

  /**
   * Updates one parameter in place from its gradient. State tensors it creates
   * must be `keep`-ed (it runs inside a tidy); temporaries need no disposing.
   */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<O>, state: ParamState): void;

  /**
   * Frees the optimizer's state tensors (momentum buffers, moments): they are
   * kept, so no scope frees them. A later step starts the state afresh.
   */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    const free = (v: ParamStateValue): void => {
      if (Array.isArray(v)) v.forEach(free);
      else if (isTensor(v)) v.dispose();
    };
    for (const s of this.state.values()) for (const v of Object.values(s)) free(v);
    this.state.clear();
  }

  /** State and options, in PyTorch's layout (see OptimizerStateDict). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map(({ params, ...options }) => {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(options)) copy[k] = copyValue(v);
      const ids = params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...copy, params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Whether state values may be lists (LBFGS's history); only LBFGS's may. */
  protected stateAllowsLists(): boolean {
    return false;
  }

  /** Checks one loaded state tensor against its parameter: by default it has the parameter's shape. */
  protected checkStateTensor(op: string, where: string, v: Tensor, p: Tensor): void {
    if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i]))
      throw new ShapeError(`${op}: state ${where} has shape ${fmtShape(v.shape)}, its parameter has shape ${fmtShape(p.shape)}`);
  }

  /**
   * Restores state and group options saved by `stateDict()`. Everything is
   * checked first, so a state dict that does not fit changes nothing. Tensors are
   * copied onto each parameter's device (and float dtype), as PyTorch does.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.spec.name}.loadStateDict`;
    if (typeof stateDict !== 'object' || stateDict === null || !Array.isArray(stateDict.paramGroups) || typeof stateDict.state !== 'object' || stateDict.state === null)
      throw new ValueError(`${name}: expected {state, paramGroups} as returned by stateDict()`);
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length)
      throw new ValueError(`${name}: loaded state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    const byIndex = new Map<number, Tensor>();
    saved.forEach((sg, gi) => {
      const own = this.paramGroups[gi]!.params;
      if (!Array.isArray(sg.params) || sg.params.length !== own.length)
        throw new ValueError(`${name}: loaded parameter group ${gi} has ${Array.isArray(sg.params) ? sg.params.length : 'no'} params, the optimizer's group has ${own.length}`);
      if (typeof sg.lr !== 'number') throw new ValueError(`${name}: loaded parameter group ${gi} has no numeric lr`);
      sg.params.forEach((id, j) => byIndex.set(id, own[j]!));
    });
    const entries: [Tensor, ParamState][] = [];
    for (const [key, s] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) throw new ValueError(`${name}: state for parameter ${key}, which no parameter group lists`);
      if (typeof s !== 'object' || s === null) throw new ValueError(`${name}: state for parameter ${key} is not an object`);
      for (const [k, v] of Object.entries(s)) {
        const check = (x: unknown, where: string): void => {
          if (typeof x === 'number') return;
          if (x === null && this.stateAllowsLists()) return;
          if (!isTensor(x)) throw new ValueError(`${name}: state ${where} is neither a number nor a Tensor`);
          x._live(name);
          this.checkStateTensor(name, where, x, p);
        };
        if (Array.isArray(v) && this.stateAllowsLists()) v.forEach((x, j) => check(x, `${key}.${k}[${j}]`));
        else check(v, `${key}.${k}`);
      }
      entries.push([p, s]);
    }

    const fresh = noGrad(() =>
      entries.map(([p, s]): [Tensor, ParamState] => {
        const out: ParamState = {};
        const copy = (x: Tensor | number | null): Tensor | number | null => (isTensor(x) ? keep(copyOnto(x, p)) : x);
        for (const [k, v] of Object.entries(s)) out[k] = Array.isArray(v) ? v.map(copy) : copy(v as Tensor | number | null);
        return [p, out];
      }),
    );
    this.disposeState();
    for (const [p, s] of fresh) this.state.set(p, s);
    saved.forEach((sg, gi) => {
      const group = this.paramGroups[gi]! as Record<string, unknown>;
      for (const k of Object.keys(group)) if (k !== 'params') delete group[k];
      for (const [k, v] of Object.entries(sg)) if (k !== 'params') group[k] = copyValue(v);
    });
  }
}

/** A new tensor with v's values on p's device, in p's dtype when v is a float tensor. */
function copyOnto(v: Tensor, p: Tensor): Tensor {
  const moved = v.device === p.device ? v.clone() : v.to(p.device);
  if (!isFloat(v.dtype) || v.dtype === p.dtype) return moved;
  const cast = moved.to(p.dtype);
  moved.dispose();
  return cast;
}
