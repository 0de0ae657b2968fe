"""LR schedulers: schedulers/<Scheduler>.json, one file per torch.optim.lr_scheduler class Tensile exports.

Each case builds an optimizer (one or several parameter groups with their own
lrs and momentums), a scheduler with every option that changes its course,
and records each group's lr (and, for OneCycleLR, its momentum) before every
optimizer step, then steps the optimizer and the scheduler. The values are
PyTorch's own recursive update in float64; where PyTorch has a closed form
(StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR) it is
checked to agree within the stored tolerance. Error cases throw when the
scheduler is built or at one of its steps.
"""

from __future__ import annotations

import math
import warnings

import torch
import torch.optim.lr_scheduler as L

from .common import GeneratorError, Rng, _close, enc_value, expect_error, header, write_cases

nan = float('nan')
inf = float('inf')

NOTES = [
    'build torch.optim.<optimizer> with one parameter group per entry of optimizer.paramGroups (each entry: the options that group overrides; absent = a single group) and optimizer.options as defaults, then torch.optim.lr_scheduler.<scheduler>(optimizer, **options), options in camelCase (stepSize, TMax, etaMin, T0, TMult, lastEpoch, ...)',
    "for k in 0..steps-1: lrs[k] is each group's lr read before optimizer.step(); then optimizer.step() and scheduler.step() (ReduceLROnPlateau: scheduler.step(metrics[k]))",
    "lrs are float64 values from PyTorch 1.13's own recursive update; where PyTorch has a closed form it was checked to agree within rtol/atol",
    'a case with error must throw, when the scheduler is built or at one of its steps',
    "a function option (lrLambda, scaleFn) is {factors: [f(0), f(1), ...]}: the function's values at the integer arguments PyTorch calls it with (epochs, cycle numbers, iterations); lrLambda may be a list with one per group",
    'SequentialLR and ChainedScheduler: options.schedulers lists {scheduler, options}: build each on the optimizer in order, then SequentialLR(optimizer, {schedulers, milestones, lastEpoch?}) or ChainedScheduler(schedulers); lrs are read and the optimizer and the outer scheduler stepped as for any scheduler',
    'lastEpoch other than -1 resumes a schedule: every group must then hold initialLr (OneCycleLR: also maxLr, minLr, maxMomentum, baseMomentum), given in optimizer.paramGroups; the first step continues from each group\'s current lr',
]

FILE_NOTES = {
    'StepLR': ['the lr is multiplied by gamma whenever the epoch is a multiple of stepSize'],
    'MultiStepLR': ['milestones is a multiset in any order: a milestone listed twice multiplies by gamma twice; a milestone 0 applies when the scheduler is built; negative ones are never reached'],
    'ExponentialLR': ['the lr is multiplied by gamma every step; a resumed schedule (lastEpoch >= 0) multiplies at its first step too'],
    'CosineAnnealingLR': ['the recursive form is not clamped at TMax: the lr rises again with period 2 * TMax; a resumed schedule\'s first step uses the closed form etaMin + (base - etaMin) * (1 + cos(pi * epoch / TMax)) / 2'],
    'LinearLR': ['the factor goes linearly from startFactor to endFactor over totalIters steps, then stays; the update is recursive (a ratio of consecutive factors)'],
    'OneCycleLR': ["the optimizer's lr is replaced when the scheduler is built (maxLr / divFactor)", "momentums (when cycleMomentum, the default) is each group's momentum (Adam: betas[0]) read with lrs",
                   'totalSteps scheduler steps are allowed; one more throws', 'a phase of zero length (pctStart * totalSteps = 1, or pctStart 1 at the last step) divides by zero in PyTorch: it must throw'],
    'ReduceLROnPlateau': ["mode 'min', thresholdMode 'rel': a metric improves on best when metric < best * (1 - threshold); 'abs': metric < best - threshold ('max' mode: > best * (1 + threshold), > best + threshold). After more than patience bad steps the lr becomes max(lr * factor, minLr), unless that changes it by eps or less; then cooldown steps ignore bad steps",
                          'metrics[k] is passed to the k-th scheduler.step; NaN never counts as an improvement'],
    'CosineAnnealingWarmRestarts': ['lr = etaMin + (base - etaMin) * (1 + cos(pi * Tcur / Ti)) / 2; Ti starts at T0 and is multiplied by TMult at each restart', 'a resumed schedule starts Tcur at lastEpoch, and its first step adds one and restarts at most once (PyTorch 1.13)'],
}

GROUP_NAMES = {'weightDecay': 'weight_decay', 'initialLr': 'initial_lr', 'maxLr': 'max_lr', 'minLr': 'min_lr', 'maxMomentum': 'max_momentum', 'baseMomentum': 'base_momentum'}
SCHED_NAMES = {
    'stepSize': 'step_size', 'TMax': 'T_max', 'etaMin': 'eta_min', 'startFactor': 'start_factor', 'endFactor': 'end_factor', 'totalIters': 'total_iters',
    'maxLr': 'max_lr', 'totalSteps': 'total_steps', 'stepsPerEpoch': 'steps_per_epoch', 'pctStart': 'pct_start', 'annealStrategy': 'anneal_strategy',
    'cycleMomentum': 'cycle_momentum', 'baseMomentum': 'base_momentum', 'maxMomentum': 'max_momentum', 'divFactor': 'div_factor',
    'finalDivFactor': 'final_div_factor', 'threePhase': 'three_phase', 'thresholdMode': 'threshold_mode', 'minLr': 'min_lr', 'T0': 'T_0', 'TMult': 'T_mult',
    'lastEpoch': 'last_epoch', 'lrLambda': 'lr_lambda', 'baseLr': 'base_lr', 'stepSizeUp': 'step_size_up', 'stepSizeDown': 'step_size_down',
    'scaleFn': 'scale_fn', 'scaleMode': 'scale_mode',
}

# The closed form may differ from the recursive one by rounding; tried in order.
SCHED_LADDER = [(1e-6, 1e-12), (1e-5, 1e-10)]


def to_torch(options: dict, names: dict) -> dict:
    return {names.get(k, k): (tuple(v) if isinstance(v, list) and k == 'betas' else v) for k, v in options.items()}


def encode_fns(v, n: int):
    """Function options as their values at 0..n-1 (the golden format's {factors}), sub-scheduler specs recursively."""
    if callable(v):
        return {'factors': [float(v(k)) for k in range(n)]}
    if isinstance(v, list):
        return [encode_fns(x, n) for x in v]
    if isinstance(v, dict):
        return {k: encode_fns(x, n) for k, x in v.items()}
    return v


def make(scheduler: str, o, options: dict):
    if scheduler in ('SequentialLR', 'ChainedScheduler'):
        subs = [make(sub['scheduler'], o, sub.get('options', {})) for sub in options['schedulers']]
        if scheduler == 'ChainedScheduler':
            return L.ChainedScheduler(subs)
        rest = {k: v for k, v in options.items() if k != 'schedulers'}
        return L.SequentialLR(o, subs, **to_torch(rest, SCHED_NAMES))
    return getattr(L, scheduler)(o, **to_torch(options, SCHED_NAMES))


def run(scheduler: str, opt: dict, options: dict, steps: int, metrics: list | None):
    groups = opt.get('paramGroups')
    params = [torch.zeros(2, requires_grad=True) for _ in (groups or [{}])]
    pg = params if groups is None else [{'params': [p], **to_torch(g, GROUP_NAMES)} for p, g in zip(params, groups)]
    o = getattr(torch.optim, opt['optimizer'])(pg, **to_torch(opt.get('options', {}), GROUP_NAMES))
    s = make(scheduler, o, options)
    lrs, moms, closed = [], [], []
    for k in range(steps):
        lrs.append([float(g['lr']) for g in o.param_groups])
        moms.append([float(g['momentum']) if 'momentum' in g else float(g['betas'][0]) if 'betas' in g else None for g in o.param_groups])
        if hasattr(s, '_get_closed_form_lr') and closed is not None:
            try:
                closed.append([float(v) for v in s._get_closed_form_lr()])
            except ZeroDivisionError:
                closed = None
        o.step()
        if scheduler == 'ReduceLROnPlateau':
            s.step(metrics[k])
        else:
            s.step()
    return lrs, moms, closed


class Group:
    def __init__(self, scheduler: str):
        self.scheduler = scheduler
        self.cases: list[dict] = []

    def _case(self, cid: str, opt: dict, options: dict, steps: int, metrics, note) -> dict:
        n = steps + 2 + max(0, options.get('lastEpoch', -1))
        case: dict = {'id': cid, 'scheduler': self.scheduler, 'optimizer': enc_value(opt), 'options': enc_value(encode_fns(options, n)), 'steps': steps}
        if metrics is not None:
            case['metrics'] = enc_value([float(m) for m in metrics])
        if note:
            case['note'] = note
        return case

    def val(self, tag: str, opt: dict, options: dict, steps: int, metrics=None, note: str | None = None, closed_form: bool = True) -> None:
        cid = f'{self.scheduler}/{tag}'
        if callable(metrics):
            metrics = metrics(Rng(cid))
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            lrs, moms, closed = run(self.scheduler, opt, options, steps, metrics)
        rtol, atol = SCHED_LADDER[0]
        # The closed form starts from initialLr; a group that brings its own (a resumed schedule) follows the recursive form only.
        resumed = options.get('lastEpoch', -1) != -1 or any('initialLr' in gr for gr in opt.get('paramGroups') or [])
        if closed and closed_form and not resumed:
            ref, alt = torch.tensor(lrs, dtype=torch.float64), torch.tensor(closed, dtype=torch.float64)
            for rtol, atol in SCHED_LADDER:
                if _close(ref, alt, rtol, atol):
                    break
            else:
                raise GeneratorError(f'{cid}: the closed form differs from the recursive lrs beyond {SCHED_LADDER[-1]}')
        for row in lrs:
            if any(math.isnan(v) for v in row):
                raise GeneratorError(f'{cid}: NaN lr')
        case = self._case(cid, opt, options, steps, metrics, note)
        case['lrs'] = enc_value(lrs)
        if self.scheduler in ('OneCycleLR', 'CyclicLR') and options.get('cycleMomentum', True):
            case['momentums'] = enc_value(moms)
        case['rtol'], case['atol'] = rtol, atol
        self.cases.append(case)

    def err(self, tag: str, opt: dict, options: dict, steps: int = 3, metrics=None, note: str | None = None) -> None:
        cid = f'{self.scheduler}/error/{tag}'
        if self.scheduler == 'ReduceLROnPlateau' and metrics is None:
            metrics = [1.0] * steps
        case = self._case(cid, opt, options, steps, metrics, note)

        def go():
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                run(self.scheduler, opt, options, steps, metrics)

        self.cases.append(expect_error(case, go))


def sgd(lr=0.1, momentum=None, groups=None, **kw) -> dict:
    o = {'lr': lr, **({'momentum': momentum} if momentum is not None else {}), **kw}
    out = {'optimizer': 'SGD', 'options': o}
    if groups is not None:
        out['paramGroups'] = groups
    return out


def opt(name: str, options: dict, groups=None) -> dict:
    out = {'optimizer': name, 'options': options}
    if groups is not None:
        out['paramGroups'] = groups
    return out


TWO = [{}, {'lr': 0.01}]
THREE = [{'lr': 0.5}, {}, {'lr': 0.02, 'momentum': 0.5}]


def step_lr() -> list[dict]:
    g = Group('StepLR')
    for s, gamma, n in [(1, 0.5, 6), (2, 0.5, 9), (3, 0.1, 10), (5, 0.9, 16), (4, None, 13)]:
        o = {'stepSize': s} if gamma is None else {'stepSize': s, 'gamma': gamma}
        g.val(f'step-size-{s}/gamma-{gamma if gamma is not None else "default"}', sgd(0.2), o, n, note='gamma defaults to 0.1' if gamma is None else None)
    g.val('step-size-beyond-steps', sgd(0.1), {'stepSize': 20, 'gamma': 0.5}, 8, note='never reaches its first decay')
    g.val('gamma-1', sgd(0.3), {'stepSize': 2, 'gamma': 1.0}, 6)
    g.val('gamma-0', sgd(0.3), {'stepSize': 2, 'gamma': 0.0}, 6, note='the lr drops to 0 and stays there')
    g.val('gamma-2', sgd(0.01), {'stepSize': 2, 'gamma': 2.0}, 8, note='gamma above 1 grows the lr')
    g.val('gamma-negative', sgd(0.1), {'stepSize': 3, 'gamma': -0.5}, 9, note='PyTorch does not check gamma: the lr alternates in sign')
    g.val('two-groups', sgd(0.1, 0.9, TWO), {'stepSize': 2, 'gamma': 0.5}, 7)
    g.val('three-groups', sgd(0.1, 0.9, THREE), {'stepSize': 3, 'gamma': 0.3}, 8)
    g.val('sgd-lr-only-in-groups', opt('SGD', {'momentum': 0.9}, [{'lr': 0.1}, {'lr': 0.2, 'momentum': 0.5}]), {'stepSize': 2, 'gamma': 0.5}, 6,
          note="SGD without a default lr: every group gives its own")
    g.val('adam', opt('Adam', {'lr': 0.001}), {'stepSize': 2, 'gamma': 0.5}, 6)
    g.val('rmsprop', opt('RMSprop', {'lr': 0.01}), {'stepSize': 1, 'gamma': 0.8}, 5)
    g.val('adagrad', opt('Adagrad', {'lr': 0.05}, [{}, {'lr': 0.5}]), {'stepSize': 2}, 6)
    g.val('resume/last-epoch-4', sgd(0.1, None, [{'initialLr': 0.4}]), {'stepSize': 3, 'gamma': 0.5, 'lastEpoch': 4}, 6,
          note='resumed at epoch 4 from the current lr 0.1: the next decay is at epoch 6 (the second step)')
    g.val('resume/last-epoch-2/two-groups', sgd(0.1, None, [{'initialLr': 0.1}, {'lr': 0.05, 'initialLr': 0.5}]), {'stepSize': 3, 'gamma': 0.1, 'lastEpoch': 2}, 5,
          note='epoch 3 is reached at the first step: both groups decay at once')
    g.val('resume/last-epoch-minus-1', sgd(0.1, None, [{'initialLr': 0.7}]), {'stepSize': 2, 'gamma': 0.5, 'lastEpoch': -1}, 5,
          note='lastEpoch -1 starts afresh from the current lr; an existing initialLr is kept (not overwritten)')
    g.err('step-size-0', sgd(0.1), {'stepSize': 0}, note='PyTorch 1.13 divides by zero at the first step after the one made when built')
    g.err('step-size-missing', sgd(0.1), {})
    g.err('resume-without-initial-lr', sgd(0.1), {'stepSize': 2, 'lastEpoch': 3}, note='lastEpoch resumes a schedule: each group needs its initialLr')
    return g.cases


def multi_step_lr() -> list[dict]:
    g = Group('MultiStepLR')
    g.val('milestones-2-5-7/gamma-0.5', sgd(0.2), {'milestones': [2, 5, 7], 'gamma': 0.5}, 10)
    g.val('unsorted', sgd(0.2), {'milestones': [6, 2, 4], 'gamma': 0.5}, 8, note='milestones in any order')
    g.val('repeated', sgd(0.2), {'milestones': [3, 3, 5], 'gamma': 0.5}, 7, note='a milestone listed twice multiplies by gamma twice')
    g.val('triple', sgd(0.8), {'milestones': [2, 2, 2], 'gamma': 0.5}, 4)
    g.val('milestone-0', sgd(0.2), {'milestones': [0, 3], 'gamma': 0.5}, 5, note='a milestone 0 already applies when the scheduler is built')
    g.val('milestone-1', sgd(0.2), {'milestones': [1]}, 4)
    g.val('beyond-steps', sgd(0.2), {'milestones': [2, 50]}, 6)
    g.val('empty', sgd(0.2), {'milestones': []}, 4, note='no milestones: the lr never changes')
    g.val('negative-milestone', sgd(0.2), {'milestones': [-1, 2], 'gamma': 0.5}, 4,
          note="a negative milestone is never reached by step() (PyTorch's closed form, which counts milestones passed, disagrees: step() is what counts)", closed_form=False)
    g.val('default-gamma', sgd(0.2), {'milestones': [1, 4]}, 6)
    g.val('gamma-3', sgd(0.001), {'milestones': [1, 2, 3], 'gamma': 3.0}, 5)
    g.val('two-groups', sgd(0.25, 0.5, TWO), {'milestones': [1, 4]}, 6)
    g.val('three-groups/adam', opt('Adam', {'lr': 0.01}, [{}, {'lr': 0.1}, {'lr': 0.001}]), {'milestones': [2, 3], 'gamma': 0.5}, 5)
    g.val('resume/last-epoch-3', sgd(0.05, None, [{'initialLr': 0.2}]), {'milestones': [2, 5, 7], 'gamma': 0.5, 'lastEpoch': 3}, 6,
          note='resumed at epoch 3: the milestones 5 and 7 are met at the 2nd and 4th steps')
    g.err('milestones-not-a-list', sgd(0.1), {'milestones': 3})
    g.err('milestones-missing', sgd(0.1), {})
    g.err('resume-without-initial-lr', sgd(0.1), {'milestones': [2], 'lastEpoch': 0})
    return g.cases


def exponential_lr() -> list[dict]:
    g = Group('ExponentialLR')
    for gamma, n in [(0.9, 8), (0.5, 6), (0.99, 20), (1.0, 4), (0.0, 4), (1.1, 6)]:
        g.val(f'gamma-{gamma:g}', sgd(0.25), {'gamma': gamma}, n, note='gamma 0: the lr is 0 after the first step' if gamma == 0 else None)
    g.val('two-groups', sgd(0.35, 0.9, [{'lr': 1.0}, {}]), {'gamma': 0.5}, 6)
    g.val('three-groups', sgd(0.1, 0.9, THREE), {'gamma': 0.8}, 5)
    g.val('adamw', opt('AdamW', {'lr': 0.003}), {'gamma': 0.7}, 5)
    g.val('resume/last-epoch-5', sgd(0.1, None, [{'initialLr': 0.5}]), {'gamma': 0.5, 'lastEpoch': 5}, 4, note='a resumed schedule multiplies at its first step')
    g.err('gamma-missing', sgd(0.1), {})
    g.err('resume-without-initial-lr', sgd(0.1), {'gamma': 0.5, 'lastEpoch': 2})
    return g.cases


def cosine_annealing_lr() -> list[dict]:
    g = Group('CosineAnnealingLR')
    g.val('t-max-5', sgd(0.25), {'TMax': 5}, 6)
    g.val('t-max-5/past-t-max', sgd(0.25), {'TMax': 5}, 21, note='not clamped after TMax: the lr climbs back up (period 2 * TMax), two full periods')
    g.val('t-max-10/eta-min-0.01', sgd(0.3), {'TMax': 10, 'etaMin': 0.01}, 12)
    g.val('t-max-1', sgd(0.4), {'TMax': 1, 'etaMin': 0.001}, 5, note='alternates between the initial lr and etaMin')
    g.val('t-max-2', sgd(0.4), {'TMax': 2}, 9)
    g.val('t-max-3/eta-min', sgd(0.2), {'TMax': 3, 'etaMin': 0.05}, 13)
    g.val('t-max-2.5', sgd(0.2), {'TMax': 2.5}, 8, note='a fractional TMax: the bottom of the cycle falls between steps')
    g.val('eta-min-above-lr', sgd(0.01), {'TMax': 4, 'etaMin': 0.1}, 9, note='etaMin above the initial lr: the lr rises to etaMin and back')
    g.val('eta-min-equal-lr', sgd(0.1), {'TMax': 4, 'etaMin': 0.1}, 5, note='etaMin equal to the lr: constant')
    g.val('two-groups', sgd(0.33, 0.9, [{}, {'lr': 0.05}]), {'TMax': 8, 'etaMin': 0.01}, 9)
    g.val('three-groups', sgd(0.1, 0.9, THREE), {'TMax': 4}, 9)
    g.val('rmsprop', opt('RMSprop', {'lr': 0.01, 'momentum': 0.9}), {'TMax': 6, 'etaMin': 1e-4}, 7)
    g.val('resume/last-epoch-3', sgd(0.1, None, [{'initialLr': 0.5}]), {'TMax': 10, 'lastEpoch': 3}, 8,
          note='a resumed schedule\'s first step uses the closed form (from initialLr), the later ones the recursive form')
    g.val('resume/last-epoch-0/eta-min', sgd(0.3, None, [{'initialLr': 0.3}, {'lr': 0.2, 'initialLr': 0.25}]), {'TMax': 5, 'etaMin': 0.02, 'lastEpoch': 0}, 7)
    g.val('resume/past-t-max', sgd(0.1, None, [{'initialLr': 0.2}]), {'TMax': 4, 'lastEpoch': 5}, 6)
    g.err('t-max-0', sgd(0.1), {'TMax': 0}, note='PyTorch 1.13 divides by zero at the second step')
    g.err('t-max-missing', sgd(0.1), {})
    g.err('resume-without-initial-lr', sgd(0.1), {'TMax': 5, 'lastEpoch': 2})
    return g.cases


def linear_lr() -> list[dict]:
    g = Group('LinearLR')
    g.val('default', sgd(0.25), {}, 8, note='defaults: startFactor 1/3, endFactor 1, totalIters 5')
    g.val('decay-0.5-to-0.1/total-4', sgd(0.12), {'startFactor': 0.5, 'endFactor': 0.1, 'totalIters': 4}, 7)
    g.val('1-to-0', sgd(0.2), {'startFactor': 1.0, 'endFactor': 0.0, 'totalIters': 4}, 6, note='down to lr 0 at totalIters, then stays 0')
    g.val('warmup-0.1/total-10', sgd(0.5), {'startFactor': 0.1, 'totalIters': 10}, 13)
    g.val('total-iters-1', sgd(0.3), {'startFactor': 0.25, 'totalIters': 1}, 4)
    g.val('total-iters-0', sgd(0.3), {'startFactor': 0.5, 'totalIters': 0}, 4, note='totalIters 0: the start factor is applied when built and never undone')
    g.val('start-equals-end', sgd(0.3), {'startFactor': 0.5, 'endFactor': 0.5, 'totalIters': 3}, 5)
    g.val('start-1-end-1', sgd(0.3), {'startFactor': 1.0, 'endFactor': 1.0}, 4)
    g.val('tiny-start', sgd(0.3), {'startFactor': 1e-3, 'totalIters': 6}, 8)
    g.val('two-groups', sgd(0.09, 0.9, [{}, {'lr': 0.01}]), {'startFactor': 0.25, 'totalIters': 3}, 5)
    g.val('three-groups/adam', opt('Adam', {'lr': 0.001}, [{}, {'lr': 0.01}, {'lr': 0.1}]), {'startFactor': 0.5, 'endFactor': 0.9, 'totalIters': 4}, 6)
    g.val('resume/last-epoch-2', sgd(0.2, None, [{'initialLr': 0.3}]), {'startFactor': 0.5, 'totalIters': 5, 'lastEpoch': 2}, 6,
          note='resumed: the recursive ratio continues from the current lr (as if it already held the factor of epoch 2)')
    g.val('resume/past-total-iters', sgd(0.2, None, [{'initialLr': 0.3}]), {'totalIters': 3, 'lastEpoch': 6}, 3)
    g.err('start-factor-0', sgd(0.1), {'startFactor': 0.0}, note='PyTorch 1.13 accepts it when built (first lr 0) and divides by zero at the first step; later versions reject it when built')
    g.err('start-factor-above-1', sgd(0.1), {'startFactor': 1.5})
    g.err('start-factor-negative', sgd(0.1), {'startFactor': -0.1})
    g.err('end-factor-above-1', sgd(0.1), {'endFactor': 1.5})
    g.err('end-factor-negative', sgd(0.1), {'endFactor': -0.5})
    g.err('resume-without-initial-lr', sgd(0.1), {'lastEpoch': 1})
    return g.cases


def one_cycle_lr() -> list[dict]:
    g = Group('OneCycleLR')
    m9 = sgd(0.25, 0.9)
    g.val('cos/defaults', m9, {'maxLr': 0.1, 'totalSteps': 10}, 10, note='starts at maxLr / divFactor, peaks at maxLr after pctStart, ends at start / finalDivFactor; momentum cycles inversely between maxMomentum and baseMomentum')
    g.val('cos/total-100', m9, {'maxLr': 1.0, 'totalSteps': 100}, 100)
    g.val('linear', m9, {'maxLr': 0.5, 'totalSteps': 12, 'annealStrategy': 'linear'}, 12)
    g.val('linear/pct-0.4/div-factors', m9, {'maxLr': 0.5, 'totalSteps': 12, 'annealStrategy': 'linear', 'pctStart': 0.4, 'divFactor': 10.0, 'finalDivFactor': 100.0}, 12)
    g.val('cos/pct-0.5', m9, {'maxLr': 0.2, 'totalSteps': 9, 'pctStart': 0.5}, 9)
    g.val('cos/pct-0', m9, {'maxLr': 0.2, 'totalSteps': 8, 'pctStart': 0.0}, 8, note='pctStart 0: no warm-up phase; the first lr is already on the way down from maxLr')
    g.val('cos/pct-1', m9, {'maxLr': 0.2, 'totalSteps': 8, 'pctStart': 1.0}, 7, note='pctStart 1: the whole cycle is warm-up; only totalSteps - 1 scheduler steps are possible (the last one would divide by zero)')
    g.val('cos/pct-0.25/total-7', m9, {'maxLr': 0.3, 'totalSteps': 7, 'pctStart': 0.25}, 7, note='a fractional phase boundary (step 0.75)')
    g.val('cos/three-phase', sgd(0.49, 0.8), {'maxLr': 0.2, 'totalSteps': 12, 'threePhase': True}, 12, note='three phases: up to maxLr, back down to the initial lr, then down to initial / finalDivFactor')
    g.val('linear/three-phase/momentum-range', m9, {'maxLr': 0.3, 'totalSteps': 9, 'threePhase': True, 'annealStrategy': 'linear', 'baseMomentum': 0.7, 'maxMomentum': 0.9}, 9)
    g.val('cos/three-phase/pct-0.4', m9, {'maxLr': 0.3, 'totalSteps': 20, 'threePhase': True, 'pctStart': 0.4}, 20)
    g.val('epochs-3-steps-per-epoch-4', m9, {'maxLr': 0.1, 'epochs': 3, 'stepsPerEpoch': 4}, 12, note='totalSteps = epochs * stepsPerEpoch')
    g.val('total-steps-wins-over-epochs', m9, {'maxLr': 0.1, 'totalSteps': 6, 'epochs': 3, 'stepsPerEpoch': 4}, 6, note='totalSteps given: epochs and stepsPerEpoch are ignored')
    g.val('total-steps-1', m9, {'maxLr': 0.1, 'totalSteps': 1}, 1, note='a single step: its lr is already minLr (the last phase at pct 1)')
    g.val('total-steps-2', m9, {'maxLr': 0.1, 'totalSteps': 2}, 2)
    g.val('momentum-range', m9, {'maxLr': 0.1, 'totalSteps': 10, 'baseMomentum': 0.5, 'maxMomentum': 0.99}, 10)
    g.val('momentum-equal', m9, {'maxLr': 0.1, 'totalSteps': 6, 'baseMomentum': 0.9, 'maxMomentum': 0.9}, 6)
    g.val('sgd-without-momentum', sgd(0.1), {'maxLr': 0.1, 'totalSteps': 6}, 6, note="SGD's momentum option exists (default 0), so it is cycled from maxMomentum")
    g.val('no-cycle-momentum/max-lr-per-group', sgd(0.23, None, [{}, {}]), {'maxLr': [0.1, 0.05], 'totalSteps': 8, 'cycleMomentum': False}, 8, note='no momentums field: momentum is not cycled')
    g.val('max-lr-per-group/momentum-per-group', sgd(0.1, 0.9, [{}, {'lr': 0.5}]), {'maxLr': [0.2, 0.6], 'totalSteps': 8, 'baseMomentum': [0.8, 0.6], 'maxMomentum': [0.9, 0.95]}, 8,
          note="each group's lr is replaced by its maxLr / divFactor; the groups' own lrs do not matter")
    g.val('three-groups', sgd(0.1, 0.9, THREE), {'maxLr': 0.4, 'totalSteps': 10, 'annealStrategy': 'linear'}, 10)
    g.val('adam/cycles-beta1', opt('Adam', {'lr': 0.001, 'betas': [0.9, 0.999]}), {'maxLr': 0.01, 'totalSteps': 8}, 8, note='for Adam the cycled momentum is betas[0]; momentums records it, betas[1] is left alone')
    g.val('adamw/three-phase', opt('AdamW', {'lr': 0.001, 'betas': [0.8, 0.99]}), {'maxLr': 0.02, 'totalSteps': 10, 'threePhase': True, 'baseMomentum': 0.7}, 10)
    g.val('adam/no-cycle-momentum', opt('Adam', {'lr': 0.001}), {'maxLr': 0.01, 'totalSteps': 6, 'cycleMomentum': False}, 6)
    g.val('rmsprop', opt('RMSprop', {'lr': 0.01, 'momentum': 0.5}), {'maxLr': 0.05, 'totalSteps': 7}, 7)
    g.val('adagrad/no-cycle-momentum', opt('Adagrad', {'lr': 0.01}), {'maxLr': 0.05, 'totalSteps': 7, 'cycleMomentum': False}, 7)
    g.val('div-factor-1', m9, {'maxLr': 0.1, 'totalSteps': 6, 'divFactor': 1.0, 'finalDivFactor': 1.0}, 6, note='divFactor 1 and finalDivFactor 1: no warm-up, and the lr stays at maxLr')
    g.val('linear/large-momentum-range', sgd(0.1, 0.9), {'maxLr': 25.0, 'totalSteps': 10, 'annealStrategy': 'linear', 'finalDivFactor': 2.0, 'baseMomentum': 1.0, 'maxMomentum': 22.0}, 10,
          note='momentum values far outside [0, 1) are cycled as given (as in PyTorch\'s own OneCycleLR test)')
    g.val('cos/three-phase/pct-0.5', m9, {'maxLr': 0.3, 'totalSteps': 10, 'threePhase': True, 'pctStart': 0.5}, 10, note='the third phase is a single step')
    g.val('cos/final-div-factor-1e6', m9, {'maxLr': 1.0, 'totalSteps': 15, 'finalDivFactor': 1e6, 'divFactor': 100.0}, 15)
    resume = [{'initialLr': 0.004, 'maxLr': 0.1, 'minLr': 4e-7, 'maxMomentum': 0.95, 'baseMomentum': 0.85}]
    g.val('resume/last-epoch-4', sgd(0.05, 0.9, resume), {'maxLr': 0.1, 'totalSteps': 10, 'lastEpoch': 4}, 5,
          note='resumed at step 4: the cycle continues from the group fields initialLr, maxLr, minLr, maxMomentum, baseMomentum (the options maxLr, divFactor are not used for them)')
    g.val('resume/no-cycle-momentum', sgd(0.05, 0.9, [{'initialLr': 0.01, 'maxLr': 0.2, 'minLr': 1e-4}]), {'maxLr': 0.1, 'totalSteps': 8, 'cycleMomentum': False, 'lastEpoch': 2}, 5)
    g.err('no-total-steps', m9, {'maxLr': 0.1})
    g.err('epochs-without-steps-per-epoch', m9, {'maxLr': 0.1, 'epochs': 3})
    g.err('total-steps-0', m9, {'maxLr': 0.1, 'totalSteps': 0})
    g.err('total-steps-negative', m9, {'maxLr': 0.1, 'totalSteps': -5})
    g.err('total-steps-fractional', m9, {'maxLr': 0.1, 'totalSteps': 2.5})
    g.err('epochs-0', m9, {'maxLr': 0.1, 'epochs': 0, 'stepsPerEpoch': 4})
    g.err('steps-per-epoch-0', m9, {'maxLr': 0.1, 'epochs': 2, 'stepsPerEpoch': 0})
    g.err('pct-start-above-1', m9, {'maxLr': 0.1, 'totalSteps': 10, 'pctStart': 1.5})
    g.err('pct-start-negative', m9, {'maxLr': 0.1, 'totalSteps': 10, 'pctStart': -0.1})
    g.err('anneal-strategy', m9, {'maxLr': 0.1, 'totalSteps': 10, 'annealStrategy': 'exp'})
    g.err('stepped-past-total-steps', m9, {'maxLr': 0.1, 'totalSteps': 5}, 7, note='totalSteps scheduler steps are allowed; the next one throws')
    g.err('stepped-past-total-steps-1', m9, {'maxLr': 0.1, 'totalSteps': 1}, 2)
    g.err('pct-start-1/last-step', m9, {'maxLr': 0.2, 'totalSteps': 8, 'pctStart': 1.0}, 8, note='pctStart 1: the totalSteps-th scheduler step lands in a phase of zero length (ZeroDivisionError in PyTorch)')
    g.err('zero-length-first-phase', m9, {'maxLr': 0.1, 'totalSteps': 10, 'pctStart': 0.1}, note='pctStart * totalSteps = 1: the first phase has zero length, PyTorch divides by zero when built')
    g.err('zero-length-first-phase/three-phase', m9, {'maxLr': 0.1, 'totalSteps': 20, 'pctStart': 0.05, 'threePhase': True})
    g.err('cycle-momentum-without-momentum', opt('Adagrad', {'lr': 0.01}), {'maxLr': 0.1, 'totalSteps': 5}, note='Adagrad has neither momentum nor betas')
    g.err('max-lr-list-length', sgd(0.1, 0.9, TWO), {'maxLr': [0.1, 0.2, 0.3], 'totalSteps': 5})
    g.err('max-momentum-list-length', sgd(0.1, 0.9, TWO), {'maxLr': 0.1, 'totalSteps': 5, 'maxMomentum': [0.9]})
    g.err('base-momentum-list-length', sgd(0.1, 0.9), {'maxLr': 0.1, 'totalSteps': 5, 'baseMomentum': [0.8, 0.7]})
    g.err('max-lr-missing', m9, {'totalSteps': 5})
    g.err('div-factor-0', m9, {'maxLr': 0.1, 'totalSteps': 5, 'divFactor': 0.0}, note='maxLr / 0: ZeroDivisionError in PyTorch')
    g.err('final-div-factor-0', m9, {'maxLr': 0.1, 'totalSteps': 5, 'finalDivFactor': 0.0})
    g.err('resume-without-group-fields', sgd(0.05, 0.9, [{'initialLr': 0.004}]), {'maxLr': 0.1, 'totalSteps': 10, 'lastEpoch': 4}, note='a resumed cycle needs maxLr, minLr (and the momentum fields) in every group')
    g.err('resume-without-initial-lr', m9, {'maxLr': 0.1, 'totalSteps': 10, 'lastEpoch': 2})
    return g.cases


def noisy_decreasing(n: int, floor: float = 0.5):
    def make(r: Rng):
        base = [floor + 1.0 / (k + 1) for k in range(n)]
        noise = r.uniform(n, lo=-0.08, hi=0.08).tolist()
        return [float(torch.tensor(b + e, dtype=torch.float32)) for b, e in zip(base, noise)]
    return make


def reduce_lr_on_plateau() -> list[dict]:
    g = Group('ReduceLROnPlateau')
    curve = [1.0, 0.8, 0.7, 0.68, 0.7, 0.71, 0.72, 0.6, 0.61, 0.62, 0.63, 0.64, 0.5, 0.55, 0.56, 0.57]
    up = [-v for v in curve]
    g.val('min/rel/patience-2', sgd(0.36), {'mode': 'min', 'factor': 0.5, 'patience': 2}, 16, curve)
    g.val('min/rel/patience-0', sgd(0.36), {'factor': 0.5, 'patience': 0}, 16, curve)
    g.val('min/defaults', sgd(0.36), {}, 16, [1.0] * 16, note='defaults: factor 0.1, patience 10, threshold 1e-4: the 12th bad step reduces')
    g.val('min/noisy/patience-1', sgd(0.2), {'factor': 0.7, 'patience': 1}, 20, noisy_decreasing(20))
    g.val('max/rel/patience-1', sgd(0.1), {'mode': 'max', 'factor': 0.5, 'patience': 1}, 16, up)
    g.val('max/rel/positive', sgd(0.1), {'mode': 'max', 'factor': 0.5, 'patience': 1}, 16, [2.0 - v for v in curve])
    g.val('min/abs/threshold-0.05', sgd(0.32), {'factor': 0.3, 'patience': 1, 'threshold': 0.05, 'thresholdMode': 'abs'}, 16, curve)
    g.val('max/abs/threshold-0.05', sgd(0.07), {'mode': 'max', 'factor': 0.3, 'patience': 1, 'threshold': 0.05, 'thresholdMode': 'abs'}, 16, up)
    g.val('min/rel/negative-metrics', sgd(0.3), {'factor': 0.5, 'patience': 0, 'threshold': 0.1}, 8, [-1.0, -1.05, -1.2, -1.25, -1.5, -1.6, -1.61, -2.0],
          note="rel mode with negative metrics: best * (1 - threshold) lies above best, so small improvements count")
    g.val('rel/threshold-0', sgd(0.3), {'factor': 0.5, 'patience': 0, 'threshold': 0.0}, 6, [1.0, 1.0, 0.9, 0.9, 0.95, 0.8], note='threshold 0: only a strictly better metric improves')
    g.val('rel/exactly-at-threshold', sgd(0.32), {'factor': 0.5, 'patience': 0, 'threshold': 0.5}, 6, [4.0, 2.0, 1.0, 0.75, 0.5, 0.25],
          note='threshold 0.5: metric 2.0 after best 4.0 equals best * (1 - threshold) exactly and is not an improvement (strict <)')
    g.val('abs/exactly-at-threshold', sgd(0.32), {'factor': 0.5, 'patience': 0, 'threshold': 0.5, 'thresholdMode': 'abs'}, 6, [4.0, 3.5, 3.0, 2.25, 1.75, 1.0])
    g.val('cooldown-2/patience-0', sgd(0.45), {'factor': 0.5, 'patience': 0, 'cooldown': 2}, 10, [1.0] * 10, note='a constant metric: patience 0 reduces on every bad step outside cooldown')
    g.val('cooldown-3/patience-1', sgd(0.45), {'factor': 0.5, 'patience': 1, 'cooldown': 3}, 16, curve)
    g.val('cooldown/improvement-during-cooldown', sgd(0.45), {'factor': 0.5, 'patience': 0, 'cooldown': 2}, 8, [1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0],
          note='an improvement during cooldown still sets best')
    g.val('min-lr-floor', sgd(0.5), {'factor': 0.1, 'patience': 0, 'minLr': 0.001}, 6, [2.0] * 6, note='the lr stops at minLr')
    g.val('min-lr-above-lr', sgd(0.01), {'factor': 0.5, 'patience': 0, 'minLr': 0.05}, 4, [2.0] * 4, note='minLr above the lr: max(lr * factor, minLr) would raise it, which is never done')
    g.val('factor-0', sgd(0.5), {'factor': 0.0, 'patience': 0, 'minLr': 0.01}, 4, [2.0] * 4, note='factor 0: straight to minLr')
    g.val('eps-blocks-small-reductions', sgd(0.01), {'factor': 0.5, 'patience': 0, 'eps': 0.001}, 8, [3.0] * 8,
          note='a reduction of eps or less is skipped: 0.00125 -> 0.000625 would change the lr by less than eps')
    g.val('eps-0', sgd(1e-6), {'factor': 0.5, 'patience': 0, 'eps': 0.0}, 6, [3.0] * 6)
    g.val('two-groups/min-lr-per-group', sgd(0.2, 0.9, [{}, {'lr': 0.004}]), {'factor': 0.5, 'patience': 1, 'minLr': [0.01, 0.001]}, 12, [1.0, 0.5] + [0.75] * 10)
    g.val('three-groups/eps', sgd(0.1, 0.9, THREE), {'factor': 0.2, 'patience': 0, 'eps': 0.01}, 6, [1.0] * 6, note='each group is checked against eps on its own')
    g.val('nan-metric', sgd(0.2), {'factor': 0.5, 'patience': 1}, 8, [1.0, nan, nan, 0.5, nan, nan, nan, 0.4], note='NaN never improves on best')
    g.val('nan-first', sgd(0.2), {'factor': 0.5, 'patience': 1}, 6, [nan, nan, 1.0, 1.0, 1.0, 0.5], note='NaN against the initial best inf is not an improvement either')
    g.val('inf-metrics', sgd(0.2), {'factor': 0.5, 'patience': 0}, 6, [inf, 1.0, -inf, 0.5, -inf, 2.0], note='inf is not below the initial best inf; once best is -inf nothing improves')
    g.val('max/inf-metrics', sgd(0.2), {'mode': 'max', 'factor': 0.5, 'patience': 0, 'thresholdMode': 'abs'}, 5, [-inf, 1.0, inf, 2.0, inf])
    g.val('adam', opt('Adam', {'lr': 0.01}), {'factor': 0.5, 'patience': 1}, 12, noisy_decreasing(12, 1.0))
    g.val('adagrad/max', opt('Adagrad', {'lr': 0.1}), {'mode': 'max', 'factor': 0.25, 'patience': 2, 'cooldown': 1}, 12, [0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3])
    g.val('two-groups/abs/min-lr', sgd(0.5, 0.9, [{}, {'lr': 0.4}]), {'factor': 0.5, 'patience': 2, 'thresholdMode': 'abs', 'threshold': 0.1, 'minLr': [0.1, 0.05]}, 20,
          [10.0, 9.95, 9.9, 9.5, 9.45, 9.42, 9.41, 9.3, 9.25, 9.2, 9.0, 8.95, 8.92, 8.91, 8.9, 8.85, 8.8, 8.79, 8.78, 8.7])
    g.val('max/cooldown/patience-2', sgd(0.3), {'mode': 'max', 'factor': 0.8, 'patience': 2, 'cooldown': 2, 'threshold': 0.01}, 20, noisy_decreasing(20))
    g.err('mode', sgd(0.1), {'mode': 'median'})
    g.err('factor-1', sgd(0.1), {'factor': 1.0})
    g.err('factor-above-1', sgd(0.1), {'factor': 2.0})
    g.err('threshold-mode', sgd(0.1), {'thresholdMode': 'relative'})
    g.err('min-lr-list-length', sgd(0.1, 0.9, TWO), {'minLr': [0.1, 0.2, 0.3]})
    g.err('min-lr-list-too-short', sgd(0.1), {'minLr': [0.1, 0.2]})
    return g.cases


def cosine_annealing_warm_restarts() -> list[dict]:
    g = Group('CosineAnnealingWarmRestarts')
    g.val('t0-3', sgd(0.24), {'T0': 3}, 10, note='restarts every T0 steps')
    g.val('t0-1', sgd(0.24), {'T0': 1}, 4, note='T0 1: every step is a restart, the lr never moves')
    g.val('t0-5/eta-min', sgd(0.1), {'T0': 5, 'etaMin': 0.01}, 12)
    g.val('t0-2/t-mult-2/eta-min', sgd(0.33), {'T0': 2, 'TMult': 2, 'etaMin': 0.001}, 14, note='period i lasts T0 * TMult^i steps')
    g.val('t0-1/t-mult-2', sgd(0.2), {'T0': 1, 'TMult': 2}, 16, note='periods of 1, 2, 4, 8 steps')
    g.val('t0-2/t-mult-3', sgd(0.2), {'T0': 2, 'TMult': 3}, 20)
    g.val('t0-10', sgd(0.5), {'T0': 10}, 25)
    g.val('eta-min-above-lr', sgd(0.01), {'T0': 4, 'etaMin': 0.05}, 9)
    g.val('two-groups', sgd(0.32, 0.9, [{}, {'lr': 0.05}]), {'T0': 4, 'etaMin': 0.01}, 9)
    g.val('three-groups/t-mult-2', sgd(0.1, 0.9, THREE), {'T0': 2, 'TMult': 2}, 10)
    g.val('adam', opt('Adam', {'lr': 0.002}), {'T0': 3, 'TMult': 2, 'etaMin': 1e-5}, 12)
    g.val('resume/last-epoch-2', sgd(0.1, None, [{'initialLr': 0.4}]), {'T0': 5, 'lastEpoch': 2}, 8, note='Tcur starts at lastEpoch: the first step lands at Tcur 3')
    g.val('resume/last-epoch-past-t0', sgd(0.1, None, [{'initialLr': 0.4}]), {'T0': 3, 'lastEpoch': 7}, 8,
          note='PyTorch 1.13 restarts at most once per step: Tcur 8 becomes 5, still past Ti 3, then 3, then 0')
    g.val('resume/t-mult-2', sgd(0.1, None, [{'initialLr': 0.4}, {'lr': 0.3, 'initialLr': 0.2}]), {'T0': 2, 'TMult': 2, 'lastEpoch': 1, 'etaMin': 0.01}, 10)
    g.err('t0-0', sgd(0.1), {'T0': 0})
    g.err('t0-negative', sgd(0.1), {'T0': -2})
    g.err('t0-fractional', sgd(0.1), {'T0': 2.5})
    g.err('t-mult-0', sgd(0.1), {'T0': 2, 'TMult': 0})
    g.err('t-mult-fractional', sgd(0.1), {'T0': 2, 'TMult': 1.5})
    g.err('t0-missing', sgd(0.1), {})
    g.err('resume-without-initial-lr', sgd(0.1), {'T0': 3, 'lastEpoch': 1})
    return g.cases


def lambda_lr() -> list[dict]:
    g = Group('LambdaLR')
    g.val('power-0.9', sgd(0.2), {'lrLambda': lambda e: 0.9 ** e}, 8)
    g.val('warmup-4', sgd(0.1), {'lrLambda': lambda e: min(1.0, (e + 1) / 4)}, 8, note='a linear warm-up over 4 epochs, then constant')
    g.val('inverse-sqrt', sgd(0.3), {'lrLambda': lambda e: 1 / math.sqrt(e + 1)}, 8)
    g.val('zero-then-one', sgd(0.3), {'lrLambda': lambda e: 0.0 if e < 2 else 1.0}, 5, note='a factor of 0 is allowed: the lr is initialLr * factor, not recursive')
    g.val('two-groups/one-lambda', sgd(0.1, 0.9, TWO), {'lrLambda': lambda e: 0.5 ** (e // 2)}, 7)
    g.val('two-groups/lambda-per-group', sgd(0.1, 0.9, TWO), {'lrLambda': [lambda e: 0.9 ** e, lambda e: 1.0 + e]}, 6)
    g.val('three-groups/adam', opt('Adam', {'lr': 0.01}, [{}, {'lr': 0.1}, {'lr': 0.001}]), {'lrLambda': lambda e: 1 / (1 + e)}, 5)
    g.val('resume/last-epoch-3', sgd(0.05, None, [{'initialLr': 0.2}]), {'lrLambda': lambda e: 0.8 ** e, 'lastEpoch': 3}, 5, note='initialLr * lambda(epoch), from epoch 4')
    g.err('lambda-count', sgd(0.1, 0.9, TWO), {'lrLambda': [lambda e: 1.0] * 3})
    g.err('resume-without-initial-lr', sgd(0.1), {'lrLambda': lambda e: 1.0, 'lastEpoch': 2})
    return g.cases


def multiplicative_lr() -> list[dict]:
    g = Group('MultiplicativeLR')
    g.val('factor-0.9', sgd(0.2), {'lrLambda': lambda e: 0.9}, 8)
    g.val('epoch-dependent', sgd(0.2), {'lrLambda': lambda e: 1.0 - 0.05 * e}, 8, note='the lr is multiplied by lambda(epoch) at every step after the one made when built')
    g.val('grow', sgd(0.01), {'lrLambda': lambda e: 1.5}, 6)
    g.val('two-groups/lambda-per-group', sgd(0.1, 0.9, TWO), {'lrLambda': [lambda e: 0.5, lambda e: 0.95]}, 6)
    g.val('rmsprop', opt('RMSprop', {'lr': 0.01}), {'lrLambda': lambda e: 0.8 if e % 2 == 0 else 1.0}, 7)
    g.val('resume/last-epoch-2', sgd(0.05, None, [{'initialLr': 0.2}]), {'lrLambda': lambda e: 0.5, 'lastEpoch': 2}, 4, note='from the current lr')
    g.err('lambda-count', sgd(0.1), {'lrLambda': [lambda e: 1.0, lambda e: 1.0]})
    return g.cases


def constant_lr() -> list[dict]:
    g = Group('ConstantLR')
    g.val('default', sgd(0.3), {}, 8, note='factor 1/3 for 5 epochs')
    g.val('factor-0.5/total-iters-3', sgd(0.2), {'factor': 0.5, 'totalIters': 3}, 6)
    g.val('factor-1', sgd(0.2), {'factor': 1.0, 'totalIters': 2}, 4)
    g.val('total-iters-0', sgd(0.2), {'factor': 0.5, 'totalIters': 0}, 4, note='totalIters 0: the factor applied when built is never undone (the recursive form only undoes it at epoch totalIters, reached only by the constructor)', closed_form=False)
    g.val('two-groups', sgd(0.1, 0.9, TWO), {'factor': 0.25, 'totalIters': 2}, 5)
    g.val('adam', opt('Adam', {'lr': 0.01}), {'factor': 0.1, 'totalIters': 4}, 6)
    g.val('resume/last-epoch-1', sgd(0.05, None, [{'initialLr': 0.2}]), {'factor': 0.25, 'totalIters': 3, 'lastEpoch': 1}, 4, note='at epoch 3 the current lr is divided by the factor')
    g.err('factor-above-1', sgd(0.1), {'factor': 1.5})
    g.err('factor-negative', sgd(0.1), {'factor': -0.1})
    g.err('factor-0', sgd(0.1), {'factor': 0.0, 'totalIters': 2}, 4, note='factor 0: PyTorch divides by zero when it undoes the factor at epoch totalIters')
    return g.cases


def polynomial_lr() -> list[dict]:
    g = Group('PolynomialLR')
    g.val('default', sgd(0.3), {}, 8, note='power 1 over 5 epochs: linear decay to 0, then 0')
    g.val('power-2/total-iters-6', sgd(0.3), {'totalIters': 6, 'power': 2.0}, 9)
    g.val('power-0.5', sgd(0.3), {'totalIters': 4, 'power': 0.5}, 6)
    g.val('total-iters-1', sgd(0.3), {'totalIters': 1}, 4)
    g.val('two-groups', sgd(0.1, 0.9, TWO), {'totalIters': 4, 'power': 1.5}, 6)
    g.val('adamw', opt('AdamW', {'lr': 0.003}), {'totalIters': 10, 'power': 0.9}, 12)
    g.val('resume/last-epoch-2', sgd(0.15, None, [{'initialLr': 0.3}]), {'totalIters': 6, 'lastEpoch': 2}, 6)
    return g.cases


def cyclic_lr() -> list[dict]:
    g = Group('CyclicLR')
    g.val('triangular', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 4}, 20, note='the momentum cycles between maxMomentum and baseMomentum, the other way')
    g.val('triangular/step-size-down', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 2, 'stepSizeDown': 5}, 16)
    g.val('triangular2', sgd(0.1, 0.9), {'baseLr': 0.001, 'maxLr': 0.1, 'stepSizeUp': 3, 'mode': 'triangular2'}, 25, note='the amplitude halves every cycle')
    g.val('exp-range', sgd(0.1, 0.9), {'baseLr': 0.001, 'maxLr': 0.1, 'stepSizeUp': 3, 'mode': 'exp_range', 'gamma': 0.9}, 20, note='the amplitude decays by gamma every iteration')
    g.val('no-momentum-cycle/adam', opt('Adam', {'lr': 0.01}), {'baseLr': 0.001, 'maxLr': 0.01, 'stepSizeUp': 3, 'cycleMomentum': False}, 12)
    g.val('momentums', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.05, 'stepSizeUp': 2, 'baseMomentum': 0.5, 'maxMomentum': 0.95}, 10)
    g.val('two-groups/per-group', sgd(0.1, 0.9, TWO), {'baseLr': [0.01, 0.001], 'maxLr': [0.1, 0.02], 'stepSizeUp': 3, 'baseMomentum': [0.8, 0.7], 'maxMomentum': 0.9}, 14)
    g.val('rmsprop', opt('RMSprop', {'lr': 0.01, 'momentum': 0.5}), {'baseLr': 0.001, 'maxLr': 0.01, 'stepSizeUp': 2, 'mode': 'triangular2'}, 12)
    g.val('scale-fn/cycle', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 2, 'scaleFn': lambda x: 1 / max(x, 1)}, 14, note='a custom scale of the cycle number (scaleMode cycle, the default)')
    g.val('scale-fn/iterations', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 2, 'scaleFn': lambda x: 0.95 ** x, 'scaleMode': 'iterations'}, 12)
    g.val('resume/last-epoch-5', sgd(0.05, 0.85, [{'initialLr': 0.01}]), {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 4, 'lastEpoch': 5}, 8,
          note='resumed: the groups keep their lr and momentum; baseMomentum is each group\'s current momentum')
    g.err('mode', sgd(0.1, 0.9), {'baseLr': 0.01, 'maxLr': 0.1, 'mode': 'sine'})
    g.err('cycle-momentum/adam', opt('Adam', {'lr': 0.01}), {'baseLr': 0.001, 'maxLr': 0.01}, note="PyTorch 1.13 cycles only an optimizer's momentum option (Adam's betas are not supported)")
    g.err('base-lr-count', sgd(0.1, 0.9, TWO), {'baseLr': [0.1, 0.2, 0.3], 'maxLr': 1.0})
    return g.cases


def sub(scheduler: str, **options) -> dict:
    return {'scheduler': scheduler, 'options': options}


def sequential_lr() -> list[dict]:
    g = Group('SequentialLR')
    g.val('constant-then-exponential', sgd(0.3), {'schedulers': [sub('ConstantLR', factor=0.1, totalIters=2), sub('ExponentialLR', gamma=0.9)], 'milestones': [2]}, 8,
          note="the second scheduler starts at its epoch 0 (closed form) at the milestone")
    g.val('linear-warmup-then-cosine', sgd(0.2), {'schedulers': [sub('LinearLR', startFactor=0.25, totalIters=3), sub('CosineAnnealingLR', TMax=6, etaMin=0.01)], 'milestones': [3]}, 12)
    g.val('three/step-exponential-lambda', sgd(0.5), {'schedulers': [sub('StepLR', stepSize=2, gamma=0.5), sub('ExponentialLR', gamma=0.8), sub('LambdaLR', lrLambda=lambda e: 1 / (e + 1))], 'milestones': [3, 6]}, 10)
    g.val('multistep-then-polynomial', sgd(0.4), {'schedulers': [sub('MultiStepLR', milestones=[1, 2], gamma=0.5), sub('PolynomialLR', totalIters=4, power=2.0)], 'milestones': [4]}, 10)
    g.val('two-groups', sgd(0.1, 0.9, TWO), {'schedulers': [sub('ConstantLR', factor=0.5, totalIters=2), sub('StepLR', stepSize=2, gamma=0.1)], 'milestones': [3]}, 9)
    g.val('milestone-1', sgd(0.2), {'schedulers': [sub('ConstantLR', factor=0.5, totalIters=5), sub('ExponentialLR', gamma=0.5)], 'milestones': [1]}, 5)
    g.val('single-scheduler', sgd(0.2), {'schedulers': [sub('ExponentialLR', gamma=0.7)], 'milestones': []}, 5)
    g.err('milestone-count', sgd(0.1), {'schedulers': [sub('ConstantLR'), sub('ExponentialLR', gamma=0.9)], 'milestones': [2, 4]})
    return g.cases


def chained_scheduler() -> list[dict]:
    g = Group('ChainedScheduler')
    g.val('constant-and-exponential', sgd(1.0), {'schedulers': [sub('ConstantLR', factor=0.1, totalIters=2), sub('ExponentialLR', gamma=0.9)]}, 8,
          note="PyTorch's documented example: the factors multiply")
    g.val('linear-and-step', sgd(0.2), {'schedulers': [sub('LinearLR', startFactor=0.5, totalIters=4), sub('StepLR', stepSize=3, gamma=0.5)]}, 10)
    g.val('three/multiplicative', sgd(0.3), {'schedulers': [sub('MultiplicativeLR', lrLambda=lambda e: 0.95), sub('StepLR', stepSize=2, gamma=0.5), sub('ConstantLR', factor=0.5, totalIters=3)]}, 8)
    g.val('two-groups/cosine', sgd(0.1, 0.9, TWO), {'schedulers': [sub('CosineAnnealingLR', TMax=5), sub('ExponentialLR', gamma=0.95)]}, 8)
    return g.cases


FILES = {
    'StepLR': step_lr,
    'MultiStepLR': multi_step_lr,
    'ExponentialLR': exponential_lr,
    'CosineAnnealingLR': cosine_annealing_lr,
    'LinearLR': linear_lr,
    'OneCycleLR': one_cycle_lr,
    'ReduceLROnPlateau': reduce_lr_on_plateau,
    'CosineAnnealingWarmRestarts': cosine_annealing_warm_restarts,
    'LambdaLR': lambda_lr,
    'MultiplicativeLR': multiplicative_lr,
    'ConstantLR': constant_lr,
    'PolynomialLR': polynomial_lr,
    'CyclicLR': cyclic_lr,
    'SequentialLR': sequential_lr,
    'ChainedScheduler': chained_scheduler,
}


def generate(folder):
    n = 0
    for name, build in FILES.items():
        cases = build()
        write_cases(folder / f'{name}.json', header('schedulers', name, NOTES + FILE_NOTES.get(name, [])), cases)
        n += len(cases)
    return n
