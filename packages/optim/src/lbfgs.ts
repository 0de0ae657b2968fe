import { cat, enableGrad, fmtShape, isTensor, keep, noGrad, ShapeError, type Tensor, tidy, ValueError, zeros } from '@tensile/core';
import { checkNumber } from './check.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface LBFGSOptions {
  lr: number;
  /** Iterations per `step()`. */
  maxIter: number;
  /** Function evaluations per `step()`; null (the default): maxIter * 5 / 4, rounded down, as PyTorch. */
  maxEval: number | null;
  /** Stop when every entry of the gradient is at most this in magnitude. */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change by less than this. */
  toleranceChange: number;
  historySize: number;
  /** null: fixed steps of lr; 'strong_wolfe': a line search meeting the strong Wolfe conditions. */
  lineSearchFn: 'strong_wolfe' | null;
}

const SPEC: OptimizerSpec<LBFGSOptions> = {
  name: 'LBFGS',
  defaults: { lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null },
  validate(o) {
    // PyTorch 1.13 checks none of these; they must still be numbers, and historySize a list length.
    checkNumber('LBFGS', 'lr', o.lr);
    checkNumber('LBFGS', 'maxIter', o.maxIter);
    if (o.maxEval !== null) checkNumber('LBFGS', 'maxEval', o.maxEval);
    checkNumber('LBFGS', 'toleranceGrad', o.toleranceGrad);
    checkNumber('LBFGS', 'toleranceChange', o.toleranceChange);
    checkNumber('LBFGS', 'historySize', o.historySize, { integer: true, min: 0 });
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe')
      throw new ValueError(`LBFGS: only 'strong_wolfe' is supported as lineSearchFn (or null), got ${JSON.stringify(o.lineSearchFn)}`);
  },
};

/** What an LBFGS closure returns: the loss, as a tensor (read back with `item()`) or a number. */
export type LBFGSClosure = () => Tensor | number;

/** A scalar tensor's value; the tensor is a temporary and is disposed. */
async function num(t: Tensor): Promise<number> {
  try {
    return await t.item();
  } finally {
    t.dispose();
  }
}

const dot = (a: Tensor, b: Tensor): Tensor => tidy(() => a.mul(b).sum());
const absMax = (a: Tensor): Promise<number> => num(tidy(() => a.abs().max()));

/** PyTorch's `_cubic_interpolate`: the minimiser of the cubic through two points with their values and slopes, within bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Evaluate = (t: number) => Promise<[number, Tensor]>;

/**
 * PyTorch 1.13's `_strong_wolfe` (ported from torch/optim's lswolfe.lua), on
 * numbers read back from the device. Every gradient it evaluates is disposed
 * except the one it returns (which may be `g` itself).
 */
async function strongWolfe(
  evaluate: Evaluate,
  t0: number,
  d: Tensor,
  f: number,
  g: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Promise<{ f: number; g: Tensor; t: number; evals: number }> {
  const produced = new Set<Tensor>();
  const run = async (t: number): Promise<[number, Tensor, number]> => {
    const [fNew, gNew] = await evaluate(t);
    produced.add(gNew);
    return [fNew, gNew, await num(dot(gNew, d))];
  };
  const dNorm = await absMax(d);
  let t = t0;
  let [fNew, gNew, gtdNew] = await run(t);
  let evals = 1;
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew, gtdNew] = await run(t);
    evals++;
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew, gtdNew] = await run(t);
    evals++;
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  const out = bracketG[lowPos]!;
  for (const x of produced) if (x !== out) x.dispose();
  return { f: bracketF[lowPos]!, g: out, t: bracket[lowPos]!, evals };
}

/**
 * L-BFGS, as `torch.optim.LBFGS` (PyTorch 1.13, after minFunc): one parameter
 * group, a closure that re-evaluates the loss, optional strong-Wolfe line
 * search. `step(closure)` is async: the algorithm's decisions (tolerances,
 * curvature checks, the line search) read scalars back from the device with
 * `await item()`, so it runs on every backend, WebGPU included. Its state
 * (history of directions and steps, as flat tensors) is kept under the first
 * parameter, as PyTorch does.
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly flatParams: Tensor[];

  constructor(params: Params<LBFGSOptions>, options?: Partial<LBFGSOptions>) {
    super(SPEC, params, options);
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    const fill = (o: { maxIter: number; maxEval: number | null }) => {
      if (o.maxEval === null) o.maxEval = Math.floor((o.maxIter * 5) / 4);
    };
    fill(this.defaults);
    fill(this.paramGroups[0]!);
    this.flatParams = this.paramGroups[0]!.params;
  }

  /** LBFGS has exactly one parameter group. */
  override addParamGroup(): void {
    throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  /** LBFGS's history (`oldDirs`, `oldStps`, `ro`, `al`) is lists. */
  protected override stateAllowsLists(): boolean {
    return true;
  }

  /** LBFGS's state tensors are flat: one element per element of all the parameters together. */
  protected override checkStateTensor(op: string, where: string, v: Tensor): void {
    const n = this.flatParams.reduce((a, p) => a + p.numel(), 0);
    if (v.shape.length !== 1 || v.shape[0] !== n)
      throw new ShapeError(`${op}: state ${where} has shape ${fmtShape(v.shape)}, LBFGS's state tensors are flat, of shape [${n}]`);
  }

  protected update(): void {
    throw new Error('unreachable: LBFGS.step does its own updates');
  }

  private gatherFlatGrad(): Tensor {
    return keep(
      noGrad(() =>
        tidy(() =>
          cat(
            this.flatParams.map((p) => {
              if (p.grad === null) return zeros([p.numel()], { device: p.device, dtype: p.dtype });
              if (p.grad.numel() !== p.numel()) throw new ValueError(`LBFGS.step: a gradient of ${p.grad.numel()} elements for a parameter of ${p.numel()}`);
              return p.grad.reshape(p.numel());
            }),
          ),
        ),
      ),
    );
  }

  /** params += stepSize * update (update flat, in the parameters' order). */
  private addGrad(stepSize: number, update: Tensor): void {
    noGrad(() =>
      tidy(() => {
        let offset = 0;
        for (const p of this.flatParams) {
          const n = p.numel();
          p.add_(update.narrow(0, offset, n).reshape(...p.shape), stepSize);
          offset += n;
        }
      }),
    );
  }

  private async evaluate(closure: LBFGSClosure, dispose: boolean): Promise<[number, Tensor | number]> {
    const out = enableGrad(closure);
    if (typeof out === 'number') return [out, out];
    if (!isTensor(out)) throw new ValueError(`LBFGS.step: the closure must return the loss (a Tensor or a number), got ${typeof out}`);
    const value = await out.item();
    if (dispose) out.dispose();
    return [value, out];
  }

  /**
   * Up to maxIter L-BFGS iterations. `closure` zeroes the gradients, computes
   * the loss, calls `backward()` and returns the loss; wrap its body in
   * `tidy` so each evaluation's temporaries are freed. Returns the closure's
   * first loss, as PyTorch.
   */
  override step(closure: LBFGSClosure): Promise<Tensor | number>;
  /**
   * The base class's synchronous signature, kept only so that LBFGS stays an
   * `Optimizer` for the type checker (schedulers take it); calls resolve to the
   * overload above, and a missing closure is a ValueError.
   */
  override step<R = undefined>(closure?: () => R): R | undefined;
  override async step(closure?: LBFGSClosure): Promise<Tensor | number> {
    if (typeof closure !== 'function') throw new ValueError('LBFGS.step: needs a closure that re-evaluates the model and returns the loss');
    const g = this.paramGroups[0]! as ParamGroup<LBFGSOptions>;
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = g;
    const maxEval = g.maxEval as number;
    const first = this.flatParams[0]!;
    let state = this.state.get(first);
    if (state === undefined) this.state.set(first, (state = {} as ParamState));
    const st = state;
    st.funcEvals ??= 0;
    st.nIter ??= 0;

    const [firstLoss, origLoss] = await this.evaluate(closure, false);
    let loss = firstLoss;
    let currentEvals = 1;
    st.funcEvals = (st.funcEvals as number) + 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = (await absMax(flatGrad)) <= toleranceGrad;
    if (optCond) {
      flatGrad.dispose();
      return origLoss;
    }

    let d = (st.d as Tensor | undefined) ?? null;
    let t = (st.t as number | undefined) ?? 0;
    let oldDirs = (st.oldDirs as Tensor[] | undefined) ?? [];
    let oldStps = (st.oldStps as Tensor[] | undefined) ?? [];
    let ro = (st.ro as number[] | undefined) ?? [];
    let hDiag = (st.HDiag as number | undefined) ?? 1;
    let prevFlatGrad = (st.prevFlatGrad as Tensor | undefined) ?? null;
    let prevLoss = (st.prevLoss as number | undefined) ?? 0;
    const save = () => {
      Object.assign(st, { d, t, oldDirs, oldStps, ro, HDiag: hDiag, prevFlatGrad, prevLoss });
    };

    try {
      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        st.nIter = (st.nIter as number) + 1;
        if (st.nIter === 1) {
          d?.dispose();
          d = keep(noGrad(() => flatGrad.neg()));
          for (const x of [...oldDirs, ...oldStps]) x.dispose();
          [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
        } else {
          const prev = prevFlatGrad!;
          const dir = d!;
          const y = keep(noGrad(() => flatGrad.sub(prev)));
          const s = keep(noGrad(() => dir.mul(t)));
          const ys = await num(dot(y, s));
          if (ys > 1e-10) {
            if (oldDirs.length === historySize) {
              oldDirs.shift()?.dispose();
              oldStps.shift()?.dispose();
              ro.shift();
            }
            oldDirs.push(y);
            oldStps.push(s);
            ro.push(1 / ys);
            hDiag = ys / (await num(dot(y, y)));
          } else {
            y.dispose();
            s.dispose();
          }
          const numOld = oldDirs.length;
          const al = ((st.al as (number | null)[] | undefined) ??= new Array<number | null>(historySize).fill(null));
          const q = keep(noGrad(() => flatGrad.neg()));
          for (let i = numOld - 1; i >= 0; i--) {
            const a = (await num(dot(oldStps[i]!, q))) * ro[i]!;
            al[i] = a;
            noGrad(() => q.add_(oldDirs[i]!, -a));
          }
          const h = hDiag;
          const r = keep(noGrad(() => q.mul(h)));
          q.dispose();
          for (let i = 0; i < numOld; i++) {
            const be = (await num(dot(oldDirs[i]!, r))) * ro[i]!;
            const a = al[i] as number;
            noGrad(() => r.add_(oldStps[i]!, a - be));
          }
          dir.dispose();
          d = r;
        }
        const dir = d!;
        if (prevFlatGrad === null) prevFlatGrad = keep(noGrad(() => flatGrad.clone()));
        else {
          const pg = prevFlatGrad;
          noGrad(() => pg.copy_(flatGrad));
        }
        prevLoss = loss;
        t = st.nIter === 1 ? Math.min(1, 1 / (await num(tidy(() => flatGrad.abs().sum())))) * lr : lr;
        const gtd = await num(dot(flatGrad, dir));
        if (gtd > -toleranceChange) break;

        let lsFuncEvals = 0;
        if (lineSearchFn !== null) {
          const xInit = noGrad(() => this.flatParams.map((p) => keep(p.clone())));
          try {
            const evaluate: Evaluate = async (step) => {
              this.addGrad(step, dir);
              const [value] = await this.evaluate(closure, true);
              const grad = this.gatherFlatGrad();
              noGrad(() => this.flatParams.forEach((p, i) => p.copy_(xInit[i]!)));
              return [value, grad];
            };
            const res = await strongWolfe(evaluate, t, dir, loss, flatGrad, gtd);
            if (res.g !== flatGrad) {
              flatGrad.dispose();
              flatGrad = res.g;
            }
            [loss, t, lsFuncEvals] = [res.f, res.t, res.evals];
          } finally {
            for (const x of xInit) x.dispose();
          }
          this.addGrad(t, dir);
          optCond = (await absMax(flatGrad)) <= toleranceGrad;
        } else {
          this.addGrad(t, dir);
          if (nIter !== maxIter) {
            [loss] = await this.evaluate(closure, true);
            flatGrad.dispose();
            flatGrad = this.gatherFlatGrad();
            optCond = (await absMax(flatGrad)) <= toleranceGrad;
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        st.funcEvals = (st.funcEvals as number) + lsFuncEvals;

        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        const tt = t;
        if ((await num(tidy(() => dir.mul(tt).abs().max()))) <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
    } finally {
      save();
      flatGrad.dispose();
    }
    return origLoss;
  }
}
