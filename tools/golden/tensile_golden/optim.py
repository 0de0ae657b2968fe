"""Optimizers: optim/<Optimizer>.json, one file per torch.optim class Tensile exports.

Each value case starts from fixed float32 parameters of several shapes (0-d,
1-D, 2-D, 3-D, empty), feeds a fixed sequence of float32 gradients (zeros,
exact zero entries, large and tiny magnitudes, sign flips), and records every
parameter after every step. The stored values come from torch.optim run on
float64 copies; the same optimizer run on float32 copies (what a float32
library does) picks the tolerance, the tightest rung of the ladder that
PyTorch's own float32 meets. Error cases are the option values torch rejects
when the optimizer is built.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch

from .common import GeneratorError, Rng, enc, enc_value, expect_error, header, reachable_tolerance, write_cases

nan = float('nan')
inf = float('inf')

NOTES = [
    "params start at 'params'; at step k set p.grad = gradSequence[k][i] and call step(); paramsAfterStep[k][i] is parameter i after that step",
    'options are the constructor arguments in camelCase (weightDecay, lrDecay, initialAccumulatorValue, ...); omitted ones take PyTorch 1.13 defaults; all parameters are in one group',
    'values come from torch.optim on float64 copies of the float32 inputs; rtol/atol is the tightest rung PyTorch 1.13 itself meets running in float32',
    'maximize negates the gradient before weight decay is added (the decay term is not negated); AdamW decays the weights by lr * weightDecay before the moments update',
    'a case with error instead of gradSequence is an option value torch rejects when the optimizer is built',
    "a case with objective instead of gradSequence (LBFGS) runs `steps` calls of step(closure); the closure zeroes the gradients, evaluates the objective on the params, calls backward and returns the loss; losses[k] is what step k returns (the closure's first loss). objective kinds: {kind: 'rosenbrock'} on one 1-D param x: sum over i of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2; {kind: 'leastSquares', inputs: X, targets: Y} on params [W, b]: mean((X W + b - Y)^2)",
]

# PyTorch's names for the options the golden format spells in camelCase.
TORCH_NAMES = {'weightDecay': 'weight_decay', 'lrDecay': 'lr_decay', 'initialAccumulatorValue': 'initial_accumulator_value',
               'momentumDecay': 'momentum_decay', 'stepSizes': 'step_sizes', 'maxIter': 'max_iter', 'maxEval': 'max_eval',
               'toleranceGrad': 'tolerance_grad', 'toleranceChange': 'tolerance_change', 'historySize': 'history_size', 'lineSearchFn': 'line_search_fn'}

DEFAULT_SHAPES = [(3, 4), (5,), ()]


def torch_options(options: dict) -> dict:
    out = {}
    for k, v in options.items():
        out[TORCH_NAMES.get(k, k)] = tuple(v) if isinstance(v, list) else v
    return out


def run(name: str, options: dict, params: list[torch.Tensor], grads: list[list[torch.Tensor]], dtype: torch.dtype) -> list[list[torch.Tensor]]:
    ps = [p.detach().to(dtype).clone().requires_grad_(True) for p in params]
    opt = getattr(torch.optim, name)(ps, **torch_options(options))
    after = []
    for step in grads:
        for p, g in zip(ps, step):
            p.grad = g.detach().to(dtype).clone()
        opt.step()
        after.append([p.detach().clone() for p in ps])
    return after


class Group:
    def __init__(self, optimizer: str):
        self.optimizer = optimizer
        self.cases: list[dict] = []

    def val(self, tag: str, options: dict, data: Callable[[Rng], tuple[list[torch.Tensor], list[list[torch.Tensor]]]] | None = None,
            note: str | None = None, **kw: Any) -> None:
        cid = f'{self.optimizer}/{tag}'
        rng = Rng(cid)
        params, grads = data(rng) if data is not None else standard(rng, **kw)
        for step in grads:
            if len(step) != len(params) or any(g.shape != p.shape for g, p in zip(step, params)):
                raise GeneratorError(f'{cid}: gradient shapes do not match the params')
        ref = run(self.optimizer, options, params, grads, torch.float64)
        f32 = run(self.optimizer, options, params, grads, torch.float32)
        pairs = [(r, g) for rs, gs in zip(ref, f32) for r, g in zip(rs, gs)]
        rtol, atol = reachable_tolerance(pairs)
        case: dict = {'id': cid, 'optimizer': self.optimizer, 'options': enc_value(options)}
        if note:
            case['note'] = note
        case['params'] = [enc(p) for p in params]
        case['gradSequence'] = [[enc(g) for g in step] for step in grads]
        case['paramsAfterStep'] = [[enc(p) for p in step] for step in ref]
        case['rtol'], case['atol'] = rtol, atol
        self.cases.append(case)

    def err(self, tag: str, options: dict, shapes=((3, 2), (4,)), note: str | None = None) -> None:
        cid = f'{self.optimizer}/error/{tag}'
        rng = Rng(cid)
        params = [rng.randn(*s) for s in shapes]
        case: dict = {'id': cid, 'optimizer': self.optimizer, 'options': enc_value(options)}
        if note:
            case['note'] = note
        case['params'] = [enc(p) for p in params]

        def build():
            ps = [p.clone().requires_grad_(True) for p in params]
            getattr(torch.optim, self.optimizer)(ps, **torch_options(options))

        self.cases.append(expect_error(case, build))


def standard(rng: Rng, shapes=DEFAULT_SHAPES, steps: int = 6, scale: float = 1.0, pscale: float = 1.0, zeros: float = 0.15,
             zero_steps: tuple[int, ...] = (), const: bool = False) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """Params of the given shapes; `steps` gradients with some exact zeros (entries and whole steps)."""
    params = [rng.randn(*s, scale=pscale) for s in shapes]
    first = [rng.randn(*s, scale=scale) for s in shapes]
    grads = []
    for k in range(steps):
        step = []
        for i, s in enumerate(shapes):
            g = first[i].clone() if const else rng.randn(*s, scale=scale)
            if k in zero_steps:
                g = torch.zeros(s)
            elif zeros > 0:
                g = torch.where(rng.bernoulli(*s, p=zeros), torch.zeros(s), g)
            step.append(g.float())
        grads.append(step)
    return params, grads


def shrinking(rng: Rng, shapes=DEFAULT_SHAPES, steps: int = 8) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """Gradients that start large and shrink, so the running maximum of the second moment (amsgrad) stays above the average."""
    params = [rng.randn(*s) for s in shapes]
    grads = [[(rng.randn(*s) * (4.0 * 0.5 ** k)).float() for s in shapes] for k in range(steps)]
    return params, grads


def mixed_magnitudes(rng: Rng, steps: int = 6) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """Entries from 1e-6 to 1e3 side by side in one tensor."""
    mags = torch.tensor([1e-6, 1e-3, 1.0, 1e3, 1e-4, 10.0, 1e2, 1e-2])
    params = [rng.randn(2, 4, scale=2.0), rng.randn(3)]
    grads = []
    for _ in range(steps):
        grads.append([(rng.randn(2, 4) * mags.reshape(2, 4)).float(), (rng.randn(3) * torch.tensor([1e-5, 1.0, 1e2])).float()])
    return params, grads


def fixed(params: list[list[float]], grads: list[list[list[float]]]) -> Callable[[Rng], tuple[list[torch.Tensor], list[list[torch.Tensor]]]]:
    return lambda r: ([torch.tensor(p, dtype=torch.float32) for p in params], [[torch.tensor(g, dtype=torch.float32) for g in step] for step in grads])


def nonfinite(rng: Rng) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """One parameter gets an inf, a -inf and a NaN gradient entry at step 2; the other stays finite."""
    params = [rng.randn(6), rng.randn(2, 2)]
    grads = []
    for k in range(4):
        a = rng.randn(6)
        if k == 1:
            a = torch.tensor([inf, -inf, nan, 0.5, -0.25, 0.0])
        grads.append([a.float(), rng.randn(2, 2)])
    return params, grads


def rosenbrock(name: str, options: dict, steps: int = 10) -> Callable[[Rng], tuple[list[torch.Tensor], list[list[torch.Tensor]]]]:
    """PyTorch's own optimizer test: minimise Rosenbrock's function from (1.5, 1.5); each gradient is taken where the float64 run is, rounded to float32."""
    def make(_r: Rng):
        start = torch.tensor([1.5, 1.5])
        p = start.double().clone().requires_grad_(True)
        opt = getattr(torch.optim, name)([p], **torch_options(options))
        grads = []
        for _ in range(steps):
            x, y = p[0], p[1]
            (g,) = torch.autograd.grad((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, [p])
            g = g.float()
            grads.append([g])
            p.grad = g.double()
            opt.step()
        return [start], grads
    return make


def linear_layer(rng: Rng, steps: int = 5) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """PyTorch's optimizer-test shapes: a (10, 5) weight and a (10,) bias, gradients of a squared error on random inputs."""
    w, b = rng.randn(10, 5), rng.randn(10)
    grads = []
    for _ in range(steps):
        x, t = rng.randn(5), rng.randn(10)
        r = (w.double() @ x.double() + b.double() - t.double())
        grads.append([(2 * r[:, None] * x.double()[None, :]).float(), (2 * r).float()])
    return [w, b], grads


def torch_tests(g: Group, options: dict) -> None:
    g.val('rosenbrock', options, rosenbrock(g.optimizer, options), note="PyTorch's Rosenbrock test: gradients of (1 - x)^2 + 100 (y - x^2)^2 along the float64 path from (1.5, 1.5)")
    g.val('linear-layer-shapes', options, linear_layer, note='a (10, 5) weight and a (10,) bias, as in PyTorch\'s optimizer tests')


def common_shapes(g: Group, base: dict, steps: int = 5) -> None:
    """The same options on edge shapes: one 0-d parameter, an empty one beside others, a 3-D one, a single large-ish vector."""
    g.val('shape-0d-only', base, shapes=[()], steps=steps)
    g.val('shape-empty', base, shapes=[(0,), (2, 3), (0, 4)], steps=steps, note='a parameter with no elements is stepped and stays empty')
    g.val('shape-3d', base, shapes=[(2, 3, 2), (1,)], steps=steps)
    g.val('shape-many', base, shapes=[(4, 1), (1, 4), (2,), (), (3, 3)], steps=steps)


def magnitudes(g: Group, base: dict) -> None:
    g.val('large-grads', base, scale=1e3, pscale=10.0, note='gradients around 1e3')
    g.val('tiny-grads', base, scale=1e-5, note='gradients around 1e-5')
    g.val('mixed-magnitudes', base, mixed_magnitudes, note='entries from 1e-6 to 1e3 side by side')
    g.val('zero-grads', base, zero_steps=(0, 1, 2, 3), steps=4, note='every gradient is zero')
    g.val('zero-steps-between', base, zero_steps=(1, 3), steps=6, note='steps 1 and 3 have all-zero gradients; state still advances')
    g.val('constant-grad', base, const=True, steps=8, zeros=0.0, note='the same gradient every step')


def sgd() -> list[dict]:
    g = Group('SGD')
    g.val('plain', {'lr': 0.1})
    g.val('plain-10-steps', {'lr': 0.05}, steps=10)
    g.val('lr-0', {'lr': 0.0}, note='lr 0 leaves the parameters unchanged')
    g.val('lr-0/momentum/weight-decay', {'lr': 0.0, 'momentum': 0.9, 'weightDecay': 0.1}, note='lr 0: nothing moves, whatever the other options')
    g.val('lr-1', {'lr': 1.0})
    for m in [0.5, 0.9, 0.99, 1.0]:
        g.val(f'momentum-{m:g}', {'lr': 0.05, 'momentum': m}, steps=7, note='the first step stores the gradient itself as the buffer (no dampening on it)' if m == 0.9 else None)
    g.val('momentum-1.5', {'lr': 0.01, 'momentum': 1.5}, note='momentum above 1 is accepted')
    g.val('momentum-0-explicit', {'lr': 0.1, 'momentum': 0.0, 'dampening': 0.5}, note='dampening without momentum has no effect')
    for d in [0.1, 0.5, 1.0]:
        g.val(f'momentum-0.9/dampening-{d:g}', {'lr': 0.05, 'momentum': 0.9, 'dampening': d}, steps=7,
              note='dampening 1: after the first step the buffer only decays' if d == 1.0 else None)
    g.val('momentum/dampening-negative', {'lr': 0.02, 'momentum': 0.8, 'dampening': -0.5}, note='torch does not check dampening: -0.5 scales new gradients by 1.5')
    g.val('nesterov', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}, steps=7)
    g.val('nesterov/momentum-0.5', {'lr': 0.1, 'momentum': 0.5, 'nesterov': True})
    g.val('nesterov/weight-decay', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weightDecay': 0.05})
    for wd in [0.01, 0.1, 1.0]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.1, 'weightDecay': wd})
    g.val('weight-decay/momentum', {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.1})
    g.val('weight-decay/momentum/dampening', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3, 'weightDecay': 0.02})
    g.val('maximize', {'lr': 0.1, 'maximize': True})
    g.val('maximize/momentum', {'lr': 0.05, 'momentum': 0.9, 'maximize': True})
    g.val('maximize/nesterov', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'maximize': True})
    g.val('maximize/weight-decay', {'lr': 0.1, 'weightDecay': 0.5, 'maximize': True}, note='the update is -(-g + weightDecay * p): the decay still pulls towards 0')
    g.val('maximize/everything', {'lr': 0.03, 'momentum': 0.7, 'dampening': 0.2, 'weightDecay': 0.1, 'maximize': True})
    g.val('nonfinite-grads', {'lr': 0.1}, nonfinite, note='inf, -inf and NaN gradient entries: those parameters become -inf, inf, NaN')
    g.val('nonfinite-grads/momentum', {'lr': 0.1, 'momentum': 0.9}, nonfinite, note='a non-finite entry stays in the momentum buffer: NaN (inf * 0.9 + finite stays inf)')
    common_shapes(g, {'lr': 0.1, 'momentum': 0.9})
    torch_tests(g, {'lr': 1e-3, 'momentum': 0.9})
    magnitudes(g, {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.01})
    g.val('exact', {'lr': 0.5}, fixed([[1.0, -2.0, 0.0, 4.0]], [[[1.0, 1.0, 0.0, -2.0]], [[0.5, -0.5, 2.0, 0.0]]]), note='small exact numbers: p - lr * g')
    g.val('exact/momentum', {'lr': 0.5, 'momentum': 0.5}, fixed([[1.0, -2.0]], [[[2.0, -4.0]], [[1.0, 0.0]], [[0.0, 0.0]]]), note='buffers 2, 2, 1 and -4, -2, -1: steps of lr times the buffer')
    # construction errors
    g.err('lr-missing', {}, note='SGD has no default lr in PyTorch 1.13')
    g.err('lr-negative', {'lr': -0.1})
    g.err('momentum-negative', {'lr': 0.1, 'momentum': -0.5})
    g.err('weight-decay-negative', {'lr': 0.1, 'weightDecay': -0.01})
    g.err('nesterov-without-momentum', {'lr': 0.1, 'nesterov': True})
    g.err('nesterov-with-dampening', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'nesterov': True})
    g.err('empty-params', {'lr': 0.1}, shapes=(), note='an empty parameter list')
    return g.cases


def adam_like(name: str) -> list[dict]:
    g = Group(name)
    w = name == 'AdamW'
    g.val('default', {})
    g.val('lr-0.01', {'lr': 0.01}, steps=8)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1}, note='lr 0: nothing moves (AdamW decays by lr * weightDecay = 0)')
    g.val('lr-1', {'lr': 1.0}, steps=5)
    g.val('betas-0.8-0.99', {'lr': 0.01, 'betas': [0.8, 0.99]})
    g.val('betas-0.5-0.9', {'lr': 0.01, 'betas': [0.5, 0.9]}, steps=8)
    g.val('betas-0-0', {'lr': 0.01, 'betas': [0.0, 0.0]}, note='beta1 = beta2 = 0: each step moves by lr * g / (|g| + eps), about lr * sign(g)')
    g.val('betas-0.99-0.9999', {'lr': 0.01, 'betas': [0.99, 0.9999]}, steps=10, note='betas near 1: the bias corrections are large')
    g.val('beta1-0', {'lr': 0.01, 'betas': [0.0, 0.999]})
    g.val('eps-1e-6', {'lr': 0.01, 'eps': 1e-6})
    g.val('eps-0.1', {'lr': 0.01, 'eps': 0.1}, note='a large eps damps small gradients')
    g.val('eps-1', {'lr': 0.05, 'eps': 1.0})
    g.val('eps-0', {'lr': 0.01, 'eps': 0.0}, zeros=0.0)
    g.val('eps-0/zero-grad', {'lr': 0.01, 'eps': 0.0}, fixed([[1.0, -1.0, 0.5]], [[[0.0, 2.0, -1.0]], [[0.0, 0.0, 1.0]]]),
          note='eps 0 and a gradient that has always been 0: 0 / 0 is NaN, as in PyTorch')
    for wd in [0.01, 0.1, 0.5]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.01, 'weightDecay': wd}, pscale=3.0)
    g.val('weight-decay-0', {'lr': 0.01, 'weightDecay': 0.0}, note='AdamW with weightDecay 0 is Adam' if w else None)
    if w:
        g.val('weight-decay-2/lr-1', {'lr': 1.0, 'weightDecay': 2.0}, steps=4, note='lr * weightDecay > 1: the decay factor 1 - lr * weightDecay is negative')
        g.val('weight-decay/zero-grads', {'lr': 0.1, 'weightDecay': 0.5}, zero_steps=(0, 1, 2), steps=3, note='zero gradients: the parameters only decay (the moments stay 0)')
    else:
        g.val('weight-decay/zero-grads', {'lr': 0.1, 'weightDecay': 0.5}, zero_steps=(0, 1, 2), steps=3, note='zero gradients: the decay term weightDecay * p is the gradient the moments see')
    g.val('amsgrad', {'lr': 0.01, 'amsgrad': True}, shrinking, note='shrinking gradients: the running maximum of the second moment stays above it')
    g.val('amsgrad/random', {'lr': 0.01, 'amsgrad': True}, steps=8)
    g.val('amsgrad/betas', {'lr': 0.02, 'amsgrad': True, 'betas': [0.7, 0.9]}, shrinking)
    g.val('amsgrad/weight-decay', {'lr': 0.01, 'amsgrad': True, 'weightDecay': 0.1}, shrinking)
    g.val('amsgrad/eps-0.01', {'lr': 0.01, 'amsgrad': True, 'eps': 0.01})
    g.val('maximize', {'lr': 0.01, 'maximize': True})
    g.val('maximize/weight-decay', {'lr': 0.01, 'maximize': True, 'weightDecay': 0.2}, pscale=3.0)
    g.val('maximize/amsgrad', {'lr': 0.01, 'maximize': True, 'amsgrad': True}, shrinking)
    g.val('everything', {'lr': 0.02, 'betas': [0.85, 0.995], 'eps': 1e-6, 'weightDecay': 0.05, 'amsgrad': True, 'maximize': True}, steps=8)
    g.val('nonfinite-grads', {'lr': 0.01}, nonfinite, note='an inf gradient makes both moments inf, so inf / inf: NaN; NaN spreads')
    common_shapes(g, {'lr': 0.01})
    torch_tests(g, {'lr': 0.01, 'amsgrad': True})
    magnitudes(g, {'lr': 0.01})
    g.val('large-grads/amsgrad', {'lr': 0.01, 'amsgrad': True}, scale=1e3)
    # construction errors
    g.err('lr-negative', {'lr': -0.001})
    g.err('lr-nan', {'lr': nan})
    g.err('eps-negative', {'eps': -1e-8})
    g.err('beta1-1', {'betas': [1.0, 0.999]}, note='betas must be in [0, 1)')
    g.err('beta1-negative', {'betas': [-0.1, 0.999]})
    g.err('beta2-1', {'betas': [0.9, 1.0]})
    g.err('beta2-negative', {'betas': [0.9, -0.5]})
    g.err('beta2-above-1', {'betas': [0.9, 1.5]})
    g.err('weight-decay-negative', {'weightDecay': -0.01})
    g.err('empty-params', {}, shapes=())
    return g.cases


def rmsprop() -> list[dict]:
    g = Group('RMSprop')
    g.val('default', {})
    g.val('default-10-steps', {}, steps=10)
    g.val('lr-0', {'lr': 0.0, 'momentum': 0.9, 'centered': True})
    for a in [0.9, 0.5]:
        g.val(f'alpha-{a:g}', {'lr': 0.01, 'alpha': a})
    g.val('alpha-0', {'lr': 0.01, 'alpha': 0.0}, zeros=0.0, note='alpha 0: the average is g^2, each step is about lr * sign(g)')
    g.val('alpha-1', {'lr': 1e-6, 'alpha': 1.0, 'eps': 1e-3}, note='alpha 1: the average stays 0, the step is lr * g / eps')
    g.val('eps-1e-4', {'lr': 0.01, 'eps': 1e-4})
    g.val('eps-0.5', {'lr': 0.01, 'eps': 0.5})
    g.val('eps-0/zero-grad', {'lr': 0.01, 'eps': 0.0}, fixed([[1.0, -1.0, 0.5]], [[[0.0, 2.0, -1.0]], [[0.0, 0.0, 1.0]]]), note='eps 0 and an always-zero gradient: 0 / 0 is NaN')
    for m in [0.5, 0.9]:
        g.val(f'momentum-{m:g}', {'lr': 0.01, 'momentum': m}, steps=7)
    g.val('centered', {'lr': 0.01, 'centered': True}, steps=7, note='centered: sqrt(E[g^2] - E[g]^2)')
    g.val('centered/alpha-0.9', {'lr': 0.01, 'centered': True, 'alpha': 0.9})
    g.val('centered/momentum', {'lr': 0.01, 'centered': True, 'momentum': 0.9})
    g.val('centered/eps-0.1', {'lr': 0.01, 'centered': True, 'eps': 0.1})
    for wd in [0.1, 1.0]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.01, 'weightDecay': wd}, pscale=2.0)
    g.val('centered/momentum/weight-decay', {'lr': 0.005, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1})
    g.val('maximize', {'lr': 0.01, 'maximize': True})
    g.val('maximize/momentum', {'lr': 0.01, 'maximize': True, 'momentum': 0.9})
    g.val('maximize/centered/weight-decay', {'lr': 0.01, 'maximize': True, 'centered': True, 'weightDecay': 0.3}, pscale=2.0)
    g.val('everything', {'lr': 0.02, 'alpha': 0.95, 'eps': 1e-6, 'momentum': 0.8, 'centered': True, 'weightDecay': 0.05, 'maximize': True}, steps=8)
    g.val('nonfinite-grads', {'lr': 0.01}, nonfinite)
    common_shapes(g, {'lr': 0.01, 'momentum': 0.5})
    torch_tests(g, {'lr': 1e-3, 'centered': True, 'momentum': 0.5})
    magnitudes(g, {'lr': 0.01})
    g.val('large-grads/centered', {'lr': 0.01, 'centered': True}, scale=1e3)
    # construction errors
    g.err('lr-negative', {'lr': -0.01})
    g.err('lr-nan', {'lr': nan})
    g.err('eps-negative', {'eps': -1e-8})
    g.err('momentum-negative', {'momentum': -0.9})
    g.err('weight-decay-negative', {'weightDecay': -0.1})
    g.err('alpha-negative', {'alpha': -0.99})
    g.err('empty-params', {}, shapes=())
    return g.cases


def adagrad() -> list[dict]:
    g = Group('Adagrad')
    g.val('default', {})
    g.val('lr-0.1', {'lr': 0.1}, steps=10)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    for d in [0.1, 1.0]:
        g.val(f'lr-decay-{d:g}', {'lr': 0.1, 'lrDecay': d}, steps=8, note='the step k (from 1) uses lr / (1 + (k - 1) * lrDecay)' if d == 0.1 else None)
    for v in [0.1, 1.0]:
        g.val(f'initial-accumulator-{v:g}', {'lr': 0.1, 'initialAccumulatorValue': v})
    g.val('initial-accumulator/zero-grads', {'lr': 0.1, 'initialAccumulatorValue': 0.5}, zero_steps=(0, 1), steps=3, note='zero gradients with a positive accumulator: no move')
    for wd in [0.1, 1.0]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.1, 'weightDecay': wd}, pscale=2.0)
    g.val('eps-1e-6', {'lr': 0.1, 'eps': 1e-6})
    g.val('eps-0.5', {'lr': 0.1, 'eps': 0.5})
    g.val('eps-0', {'lr': 0.1, 'eps': 0.0}, zeros=0.0)
    g.val('eps-0/zero-grad', {'lr': 0.1, 'eps': 0.0}, fixed([[1.0, -1.0, 0.5]], [[[0.0, 2.0, -1.0]], [[0.0, 0.0, 1.0]]]), note='eps 0, no accumulator and an always-zero gradient: 0 / 0 is NaN')
    g.val('maximize', {'lr': 0.1, 'maximize': True})
    g.val('maximize/weight-decay', {'lr': 0.1, 'maximize': True, 'weightDecay': 0.2}, pscale=2.0)
    g.val('everything', {'lr': 0.05, 'lrDecay': 0.05, 'weightDecay': 0.02, 'initialAccumulatorValue': 0.1, 'eps': 1e-6, 'maximize': True}, steps=8)
    g.val('lr-decay/weight-decay', {'lr': 0.2, 'lrDecay': 0.5, 'weightDecay': 0.1}, steps=6)
    g.val('nonfinite-grads', {'lr': 0.1}, nonfinite)
    common_shapes(g, {'lr': 0.1})
    torch_tests(g, {'lr': 0.1, 'lrDecay': 0.01})
    magnitudes(g, {'lr': 0.1})
    g.val('exact', {'lr': 1.0, 'eps': 0.0}, fixed([[1.0, 2.0]], [[[3.0, -4.0]], [[4.0, 3.0]]]), note='sums 9, 16 then 25, 25: steps of g / sqrt(sum)')
    # construction errors
    g.err('lr-negative', {'lr': -0.1})
    g.err('lr-nan', {'lr': nan})
    g.err('lr-decay-negative', {'lrDecay': -0.1})
    g.err('weight-decay-negative', {'weightDecay': -0.1})
    g.err('initial-accumulator-negative', {'initialAccumulatorValue': -0.5})
    g.err('eps-negative', {'eps': -1e-10})
    g.err('empty-params', {}, shapes=())
    return g.cases


def adadelta() -> list[dict]:
    g = Group('Adadelta')
    g.val('default', {})
    g.val('default-10-steps', {}, steps=10)
    g.val('lr-0.5', {'lr': 0.5})
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    for r in [0.5, 0.99]:
        g.val(f'rho-{r:g}', {'rho': r})
    g.val('rho-0', {'rho': 0.0}, note='rho 0: the averages are the last squared gradient and update')
    g.val('rho-1', {'rho': 1.0}, note='rho 1: the averages stay 0, each step is lr * sqrt(eps) / sqrt(eps) * g = lr * g')
    g.val('eps-1e-3', {'eps': 1e-3})
    g.val('eps-0.1', {'eps': 0.1})
    for wd in [0.1, 1.0]:
        g.val(f'weight-decay-{wd:g}', {'weightDecay': wd}, pscale=2.0)
    g.val('maximize', {'maximize': True})
    g.val('maximize/weight-decay', {'maximize': True, 'weightDecay': 0.2}, pscale=2.0)
    g.val('everything', {'lr': 0.7, 'rho': 0.8, 'eps': 1e-5, 'weightDecay': 0.05, 'maximize': True}, steps=8)
    g.val('nonfinite-grads', {}, nonfinite)
    common_shapes(g, {'lr': 1.0})
    torch_tests(g, {'lr': 1.0})
    magnitudes(g, {'lr': 1.0})
    g.err('lr-negative', {'lr': -0.1})
    g.err('rho-negative', {'rho': -0.1})
    g.err('rho-above-1', {'rho': 1.1})
    g.err('eps-negative', {'eps': -1e-6})
    g.err('weight-decay-negative', {'weightDecay': -0.1})
    g.err('empty-params', {}, shapes=())
    return g.cases


def betas_errors(g: Group) -> None:
    g.err('lr-negative', {'lr': -0.001})
    g.err('lr-nan', {'lr': nan})
    g.err('eps-negative', {'eps': -1e-8})
    g.err('beta1-1', {'betas': [1.0, 0.999]})
    g.err('beta1-negative', {'betas': [-0.1, 0.999]})
    g.err('beta2-1', {'betas': [0.9, 1.0]})
    g.err('weight-decay-negative', {'weightDecay': -0.01})
    g.err('empty-params', {}, shapes=())


def adamax() -> list[dict]:
    g = Group('Adamax')
    g.val('default', {})
    g.val('lr-0.01', {'lr': 0.01}, steps=8)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    g.val('betas-0.8-0.99', {'lr': 0.01, 'betas': [0.8, 0.99]})
    g.val('betas-0-0', {'lr': 0.01, 'betas': [0.0, 0.0]}, note='beta2 0: the norm is |g| + eps')
    g.val('betas-0.5-0.9', {'lr': 0.01, 'betas': [0.5, 0.9]}, shrinking, note='shrinking gradients: the decayed maximum is what divides')
    g.val('eps-0.1', {'lr': 0.01, 'eps': 0.1})
    g.val('eps-0/zero-grad', {'lr': 0.01, 'eps': 0.0}, fixed([[1.0, -1.0, 0.5]], [[[0.0, 2.0, -1.0]], [[0.0, 0.0, 1.0]]]), note='eps 0 and an always-zero gradient: 0 / 0 is NaN')
    for wd in [0.1, 0.5]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.01, 'weightDecay': wd}, pscale=3.0)
    g.val('maximize', {'lr': 0.01, 'maximize': True})
    g.val('maximize/weight-decay', {'lr': 0.01, 'maximize': True, 'weightDecay': 0.2}, pscale=3.0)
    g.val('everything', {'lr': 0.02, 'betas': [0.85, 0.995], 'eps': 1e-6, 'weightDecay': 0.05, 'maximize': True}, steps=8)
    g.val('nonfinite-grads', {'lr': 0.01}, nonfinite)
    common_shapes(g, {'lr': 0.01})
    torch_tests(g, {'lr': 0.01})
    magnitudes(g, {'lr': 0.01})
    betas_errors(g)
    return g.cases


def nadam() -> list[dict]:
    g = Group('NAdam')
    g.val('default', {})
    g.val('default-12-steps', {}, steps=12)
    g.val('lr-0.01', {'lr': 0.01}, steps=8)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    g.val('betas-0.8-0.99', {'lr': 0.01, 'betas': [0.8, 0.99]})
    g.val('betas-0.5-0.9', {'lr': 0.01, 'betas': [0.5, 0.9]}, steps=8)
    g.val('beta1-0', {'lr': 0.01, 'betas': [0.0, 0.999]}, note='beta1 0: mu is 0, the update is the plain (bias-corrected) gradient step')
    g.val('eps-0.1', {'lr': 0.01, 'eps': 0.1})
    for md in [0.0, 0.04, 1.0]:
        g.val(f'momentum-decay-{md:g}', {'lr': 0.01, 'momentumDecay': md}, steps=8, note='momentumDecay 0: mu is beta1 / 2 at every step' if md == 0 else None)
    for wd in [0.1, 0.5]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.01, 'weightDecay': wd}, pscale=3.0)
    g.val('everything', {'lr': 0.02, 'betas': [0.85, 0.995], 'eps': 1e-6, 'weightDecay': 0.05, 'momentumDecay': 0.01}, steps=8)
    g.val('nonfinite-grads', {'lr': 0.01}, nonfinite)
    common_shapes(g, {'lr': 0.01})
    torch_tests(g, {'lr': 0.01})
    magnitudes(g, {'lr': 0.01})
    betas_errors(g)
    g.err('momentum-decay-negative', {'momentumDecay': -0.004})
    return g.cases


def radam() -> list[dict]:
    g = Group('RAdam')
    g.val('default', {}, note='rho_t <= 5 for the first 5 steps (beta2 0.999): those are un-adapted momentum steps')
    g.val('default-12-steps', {}, steps=12, note='from step 6 on the variance is rectified')
    g.val('lr-0.01', {'lr': 0.01}, steps=8)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    g.val('betas-0.8-0.99', {'lr': 0.01, 'betas': [0.8, 0.99]}, steps=10)
    g.val('betas-0.9-0.9', {'lr': 0.01, 'betas': [0.9, 0.9]}, steps=10, note='beta2 0.9: rho_inf 19, rectified from step 6')
    g.val('beta2-0.5', {'lr': 0.01, 'betas': [0.9, 0.5]}, steps=6, note='beta2 0.5: rho_inf 3, never rectified')
    g.val('eps-0.1', {'lr': 0.01, 'eps': 0.1}, steps=10)
    for wd in [0.1, 0.5]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.01, 'weightDecay': wd}, pscale=3.0, steps=8)
    g.val('everything', {'lr': 0.02, 'betas': [0.85, 0.99], 'eps': 1e-6, 'weightDecay': 0.05}, steps=10)
    g.val('nonfinite-grads', {'lr': 0.01}, nonfinite)
    common_shapes(g, {'lr': 0.01}, steps=8)
    torch_tests(g, {'lr': 0.01})
    magnitudes(g, {'lr': 0.01})
    betas_errors(g)
    return g.cases


def asgd() -> list[dict]:
    g = Group('ASGD')
    g.val('default', {})
    g.val('lr-0.1', {'lr': 0.1}, steps=8)
    g.val('lr-0', {'lr': 0.0, 'weightDecay': 0.1})
    g.val('lambd-0.1', {'lr': 0.1, 'lambd': 0.1}, steps=8, note='lambd decays the weights by lambd * eta, and eta = lr / (1 + lambd lr step)^alpha')
    g.val('lambd-0', {'lr': 0.1, 'lambd': 0.0})
    g.val('alpha-0.5/lambd-1', {'lr': 0.2, 'lambd': 1.0, 'alpha': 0.5}, steps=8)
    g.val('alpha-2/lambd-0.5', {'lr': 0.2, 'lambd': 0.5, 'alpha': 2.0}, steps=8)
    g.val('t0-2', {'lr': 0.1, 't0': 2.0}, steps=8, note='t0 only moves the average ax, which is state, not the parameter')
    for wd in [0.1, 1.0]:
        g.val(f'weight-decay-{wd:g}', {'lr': 0.1, 'weightDecay': wd}, pscale=2.0)
    g.val('maximize', {'lr': 0.1, 'maximize': True})
    g.val('maximize/weight-decay', {'lr': 0.1, 'maximize': True, 'weightDecay': 0.5, 'lambd': 0.01})
    g.val('everything', {'lr': 0.05, 'lambd': 0.2, 'alpha': 0.6, 't0': 3.0, 'weightDecay': 0.05, 'maximize': True}, steps=8)
    g.val('lr-not-float32', {'lr': 0.1 + 1e-9, 'lambd': 0.3}, note="eta is kept in a float32 tensor (torch.tensor(lr)) even for float64 params, so it is rounded")
    g.val('nonfinite-grads', {'lr': 0.1}, nonfinite)
    common_shapes(g, {'lr': 0.1, 'lambd': 0.01})
    torch_tests(g, {'lr': 1e-3, 'lambd': 1e-3})
    magnitudes(g, {'lr': 0.05, 'weightDecay': 0.01})
    g.err('lr-negative', {'lr': -0.1})
    g.err('weight-decay-negative', {'weightDecay': -0.1})
    g.err('empty-params', {}, shapes=())
    return g.cases


def sign_flips(rng: Rng, steps: int = 8) -> tuple[list[torch.Tensor], list[list[torch.Tensor]]]:
    """Gradients whose signs flip in some entries, hold in others, and are exactly zero in some steps."""
    params = [rng.randn(3, 4), rng.randn(5)]
    signs = [torch.where(rng.bernoulli(3, 4, p=0.5), 1.0, -1.0), torch.where(rng.bernoulli(5, p=0.5), 1.0, -1.0)]
    grads = []
    for k in range(steps):
        step = []
        for i, s in enumerate(signs):
            flip = torch.where(rng.bernoulli(*s.shape, p=0.4), -1.0, 1.0)
            s = s * flip
            signs[i] = s
            g = (rng.randn(*s.shape).abs() + 0.1) * s
            g = torch.where(rng.bernoulli(*s.shape, p=0.15), torch.zeros(s.shape), g)
            step.append(g.float())
        grads.append(step)
    return params, grads


def rprop() -> list[dict]:
    g = Group('Rprop')
    g.val('default', {})
    g.val('default-10-steps', {}, steps=10)
    g.val('sign-flips', {}, sign_flips, note='a flipped sign shrinks the step and skips that entry; a held one grows it')
    g.val('lr-0.1', {'lr': 0.1}, sign_flips)
    g.val('lr-0', {'lr': 0.0}, note='lr 0: the step sizes start at 0 and stay there')
    g.val('etas-0.3-1.5', {'etas': [0.3, 1.5]}, sign_flips)
    g.val('etas-0.9-1.01', {'etas': [0.9, 1.01]}, sign_flips)
    g.val('step-sizes-clamp-max', {'lr': 0.05, 'stepSizes': [1e-6, 0.08]}, const=True, zeros=0.0, steps=8, note='a constant gradient grows the step until stepSizes[1]')
    g.val('step-sizes-clamp-min', {'lr': 0.05, 'etas': [0.1, 1.2], 'stepSizes': [0.01, 50]}, sign_flips, note='flips shrink the step until stepSizes[0]')
    g.val('step-sizes-min-above-lr', {'lr': 0.01, 'stepSizes': [0.05, 1.0]}, note='the first step uses lr itself; the clamp applies from the first update on')
    g.val('maximize', {'maximize': True}, sign_flips)
    g.val('everything', {'lr': 0.02, 'etas': [0.4, 1.3], 'stepSizes': [1e-4, 0.1], 'maximize': True}, sign_flips)
    g.val('zero-steps-between', {}, zero_steps=(1, 3), steps=6, note='a zero gradient keeps the step size and moves nothing')
    g.val('nonfinite-grads', {}, nonfinite)
    common_shapes(g, {'lr': 0.01})
    torch_tests(g, {'lr': 1e-3})
    g.val('large-grads', {}, scale=1e3, note='only signs matter: the same moves as for any magnitude')
    g.val('tiny-grads', {}, scale=1e-5)
    g.err('lr-negative', {'lr': -0.1})
    g.err('etas-minus-0', {'etas': [0.0, 1.2]})
    g.err('etas-minus-1', {'etas': [1.0, 1.2]})
    g.err('etas-plus-1', {'etas': [0.5, 1.0]})
    g.err('etas-plus-below-1', {'etas': [0.5, 0.9]})
    g.err('empty-params', {}, shapes=())
    return g.cases


# LBFGS: a closure over a fixed objective instead of a gradient sequence.

def objective_loss(obj: dict, ps: list[torch.Tensor], dtype: torch.dtype) -> torch.Tensor:
    if obj['kind'] == 'rosenbrock':
        x = ps[0]
        return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()
    if obj['kind'] == 'leastSquares':
        X, Y = obj['inputs'].to(dtype), obj['targets'].to(dtype)
        return ((X @ ps[0] + ps[1] - Y) ** 2).mean()
    raise GeneratorError(f'unknown objective {obj["kind"]}')


def run_lbfgs(options: dict, params: list[torch.Tensor], obj: dict, steps: int, dtype: torch.dtype):
    ps = [p.detach().to(dtype).clone().requires_grad_(True) for p in params]
    opt = torch.optim.LBFGS(ps, **torch_options(options))

    def closure():
        opt.zero_grad()
        loss = objective_loss(obj, ps, dtype)
        loss.backward()
        return loss

    after, losses = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        after.append([p.detach().clone() for p in ps])
    return after, losses, opt.state[ps[0]]


def lbfgs() -> list[dict]:
    cases: list[dict] = []

    def val(tag: str, options: dict, obj: dict, params: list[torch.Tensor], steps: int, note: str | None = None, **expect) -> None:
        cid = f'LBFGS/{tag}'
        ref, losses, st = run_lbfgs(options, params, obj, steps, torch.float64)
        f32, losses32, st32 = run_lbfgs(options, params, obj, steps, torch.float32)
        # The float32 run must take the same path (iterations and evaluations), or no tolerance describes it.
        if (st['n_iter'], st['func_evals']) != (st32['n_iter'], st32['func_evals']):
            raise GeneratorError(f'{cid}: float32 takes another path ({st32["n_iter"]}, {st32["func_evals"]}) than float64 ({st["n_iter"]}, {st["func_evals"]})')
        for k, v in expect.items():
            if st[k] != v:
                raise GeneratorError(f'{cid}: {k} is {st[k]}, expected {v}')
        pairs = [(r, g) for rs, gs in zip(ref, f32) for r, g in zip(rs, gs)] + [(torch.tensor(losses), torch.tensor(losses32))]
        rtol, atol = reachable_tolerance(pairs)
        enc_obj = {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in obj.items()}
        case: dict = {'id': cid, 'optimizer': 'LBFGS', 'options': enc_value(options)}
        n = f'{note}; ' if note else ''
        case['note'] = f'{n}PyTorch 1.13 made {st["n_iter"]} iterations and {st["func_evals"]} closure calls in all'
        case['params'] = [enc(p) for p in params]
        case['objective'] = enc_obj
        case['paramsAfterStep'] = [[enc(p) for p in step] for step in ref]
        case['losses'] = enc_value(losses)
        case['rtol'], case['atol'] = rtol, atol
        cases.append(case)

    def ls_data(tag: str, n: int = 12, k: int = 3, m: int = 2):
        r = Rng(f'LBFGS/{tag}/data')
        return {'kind': 'leastSquares', 'inputs': r.randn(n, k), 'targets': r.randn(n, m)}, [r.randn(k, m, scale=0.5), r.randn(m, scale=0.5)]

    rosen = {'kind': 'rosenbrock'}
    start2 = [torch.tensor([-1.2, 1.0])]
    start4 = [torch.tensor([-1.0, 1.5, 0.5, -0.5])]
    obj, ps = ls_data('ls')
    # Few iterations per step: the float32 run must take float64's path, which it stops doing once the fit has converged.
    val('least-squares/max-iter-4', {'maxIter': 4}, obj, ps, 2, note='no line search: fixed steps of lr')
    val('least-squares/max-iter-4/strong-wolfe', {'maxIter': 4, 'lineSearchFn': 'strong_wolfe'}, obj, ps, 2)
    val('least-squares/lr-0.5', {'lr': 0.5, 'maxIter': 3}, obj, ps, 3)
    val('least-squares/history-2', {'historySize': 2, 'maxIter': 3}, obj, ps, 2, note='only the last 2 curvature pairs are kept')
    val('least-squares/history-2/strong-wolfe', {'historySize': 2, 'maxIter': 3, 'lineSearchFn': 'strong_wolfe'}, obj, ps, 2)
    val('least-squares/max-iter-1', {'maxIter': 1}, obj, ps, 5, note='one iteration per step: the history grows across steps')
    val('least-squares/max-eval-3', {'maxEval': 3}, obj, ps, 2, note='stops after 3 closure calls per step')
    val('least-squares/tolerance-grad-0.1', {'toleranceGrad': 0.1, 'lineSearchFn': 'strong_wolfe'}, obj, ps, 2, note='stops once every gradient entry is at most 0.1; the second step returns at once')
    val('least-squares/tolerance-change-1e-2', {'toleranceChange': 1e-2, 'maxIter': 30}, obj, ps, 2, note='stops once the loss changes by less than 1e-2')
    val('rosenbrock/strong-wolfe', {'lineSearchFn': 'strong_wolfe', 'maxIter': 8}, rosen, start2, 3, note='Rosenbrock from (-1.2, 1)')
    val('rosenbrock/strong-wolfe/history-3', {'lineSearchFn': 'strong_wolfe', 'historySize': 3, 'maxIter': 6}, rosen, start4, 3, note='4-D Rosenbrock')
    val('rosenbrock/lr-0.01', {'lr': 0.01, 'maxIter': 5}, rosen, start2, 3, note='no line search on Rosenbrock: small fixed steps')
    val('rosenbrock/strong-wolfe/lr-0.5', {'lineSearchFn': 'strong_wolfe', 'lr': 0.5, 'maxIter': 5}, rosen, start4, 2)
    cases.append(expect_lbfgs_error('empty-params'))
    return cases


def expect_lbfgs_error(tag: str) -> dict:
    """PyTorch 1.13 checks no LBFGS option when it is built; an empty parameter list is what it rejects."""
    cid = f'LBFGS/error/{tag}'
    case: dict = {'id': cid, 'optimizer': 'LBFGS', 'options': {}, 'params': []}
    return expect_error(case, lambda: torch.optim.LBFGS([]))

FILES = {
    'SGD': sgd,
    'Adam': lambda: adam_like('Adam'),
    'AdamW': lambda: adam_like('AdamW'),
    'RMSprop': rmsprop,
    'Adagrad': adagrad,
    'Adadelta': adadelta,
    'Adamax': adamax,
    'NAdam': nadam,
    'RAdam': radam,
    'ASGD': asgd,
    'Rprop': rprop,
    'LBFGS': lbfgs,
}


def generate(folder):
    n = 0
    for name, build in FILES.items():
        cases = build()
        write_cases(folder / f'{name}.json', header('optim', name, NOTES), cases)
        n += len(cases)
    return n
