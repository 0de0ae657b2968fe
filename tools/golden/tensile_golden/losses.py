"""torch.nn losses: losses/<LossClass>.json, one file per loss class.

Each case builds torch.nn.<LossClass>(**options) (camelCase -> snake_case;
tensor options such as weight and posWeight in the dtype of the run) and calls
it with args in PyTorch's positional order. The float64 run is the reference;
the float32 run proves the tolerance. Gradients are taken exactly where PyTorch
computes them: every float arg with requiresGrad (targets included where torch
differentiates them), never for class indices, labels or lengths.

Coverage follows PyTorch's own tests (test_nn.py, common_nn.py, the OpInfo
sample inputs): every reduction with every option and the combinations that
interact, batched, K-dimensional, unbatched and 0-d shapes, empty batches,
broadcasting where torch allows it, integer targets torch promotes, special
values, and the inputs torch rejects.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

from .common import Arg, GeneratorError, Rng, compute, enc, enc_value, error_message, forward_case, header, is_float, write_cases

REDS = ['none', 'mean', 'sum']
NAN, INF = float('nan'), float('inf')
LONG = torch.int64

COMMON_NOTES = [
    'build torch.nn.<loss>(**options) (camelCase -> snake_case); a tensor option is {"tensor": T}; omitted options take PyTorch\'s defaults; call it with args in order',
    'args are the forward call\'s positional arguments: a tensor is {name, tensor, requiresGrad}; anything else (CTC lengths as a list) is a plain JSON value',
    'int32 tensors are class indices, labels and lengths (int64 in torch), or integer targets (and inputs) that torch promotes to float',
    'grads maps each arg with requiresGrad to its gradient, exactly where PyTorch computes one (targets included); gradOutput is never all ones',
    'reduction "none" keeps PyTorch\'s output shape: unbatched inputs give a 0-d loss, an empty batch gives an empty tensor ("mean" of nothing is nan, "sum" 0)',
    'a case with "error" instead of output is bad input or a bad option that torch rejects (building the loss or calling it); nothing may change',
]


# --- building and running losses ----------------------------------------------------------------

SNAKE = {'ignoreIndex': 'ignore_index', 'labelSmoothing': 'label_smoothing', 'posWeight': 'pos_weight', 'logInput': 'log_input',
         'logTarget': 'log_target', 'zeroInfinity': 'zero_infinity', 'distanceFunction': 'distance_function'}


def snake(k: str) -> str:
    return SNAKE.get(k, re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), k))


def cosine_distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 1.0 - F.cosine_similarity(x, y, dim=-1)


DISTANCES = {'pairwise': None, 'cosine': cosine_distance}


def torch_options(options: dict, dtype: torch.dtype | None) -> dict:
    """The constructor's keyword arguments: float tensor options in the run's dtype (None: as given)."""
    out = {}
    for k, v in options.items():
        if k == 'distanceFunction':
            v = DISTANCES[v]
        elif isinstance(v, torch.Tensor) and v.dtype.is_floating_point and dtype is not None:
            v = v.to(dtype)
        out[snake(k)] = v
    return out


def encode_options(options: dict) -> dict:
    return {k: ({'tensor': enc(v)} if isinstance(v, torch.Tensor) else enc_value(v)) for k, v in options.items()}


def run_dtype(args: Sequence[Any]) -> torch.dtype:
    for a in args:
        if isinstance(a, torch.Tensor) and a.dtype.is_floating_point:
            return a.dtype
    return torch.float32


def build(loss: str, options: dict, dtype: torch.dtype | None) -> torch.nn.Module:
    return getattr(torch.nn, loss)(**torch_options(options, dtype))


def call_loss(loss: str, options: dict) -> Callable[..., Any]:
    def fn(*a):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return build(loss, options, run_dtype(a))(*a)
    return fn


def _error_value(a: Any) -> Any:
    if isinstance(a, Arg):
        v = a.value.detach().clone()
        return v.requires_grad_(a.grad) if v.dtype.is_floating_point else v
    return a


class Cases:
    """The cases of one loss file."""

    def __init__(self, loss: str):
        self.loss = loss
        self.cases: list[dict] = []
        self.problems: list[str] = []  # every refused case, reported together

    def rng(self, cid: str) -> Rng:
        return Rng(f'losses/{self.loss}/{cid}')

    def _case(self, cid: str, options: dict, note: str | None) -> dict:
        c = {'id': f'{self.loss}/{cid}', 'loss': self.loss, 'options': encode_options(options)}
        if note:
            c['note'] = note
        return c

    def value(self, cid: str, r: Rng, args: list, options: dict | None = None, note: str | None = None,
              fn: Callable[..., Any] | None = None, floor: tuple[float, float] | None = None) -> None:
        options = options or {}
        c = self._case(cid, options, note)
        try:
            forward_case(c, fn or call_loss(self.loss, options), args, rng=r, floor=floor)
        except GeneratorError as e:
            self.problems.append(f'{c["id"]}: {e}')
            return
        except Exception as e:  # noqa: BLE001 - torch refusing a value case is a generator bug
            self.problems.append(f'{c["id"]}: torch rejected a value case: {error_message(e)}')
            return
        self.cases.append(c)

    def error(self, cid: str, args: list, options: dict | None = None, note: str | None = None,
              fn: Callable[..., Any] | None = None) -> None:
        options = options or {}
        c = self._case(cid, options, note)
        c['args'] = [a.encode() if isinstance(a, Arg) else enc_value(a) for a in args]

        def thunk():
            real = [_error_value(a) for a in args]
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                if fn is not None:
                    return fn(*real)
                return build(self.loss, options, None)(*real)
        try:
            thunk()
        except Exception as e:  # noqa: BLE001 - any torch error is the expectation
            c['error'] = error_message(e)
            self.cases.append(c)
            return
        self.problems.append(f'{c["id"]}: expected torch to reject this input, but it accepted it')

    def bad_reduction(self, args_of: Callable[[Rng], list], extra: dict | None = None) -> None:
        for bad in (['average', 'MEAN', 'batchmean'] if self.loss != 'KLDivLoss' else ['average', 'Sum']) + [None]:
            r = self.rng(f'error/reduction-{bad}')
            self.error(f'error/reduction-{"null" if bad is None else bad}', args_of(r), {**(extra or {}), 'reduction': bad})

    def nan_margin(self, args_of: Callable[[Rng], list], extra: dict | None = None) -> None:
        for red in ['none', 'sum']:
            cid = f'margin-nan/{red}'
            r = self.rng(cid)
            self.value(cid, r, args_of(r), {**(extra or {}), 'reduction': red, 'margin': NAN}, note='torch takes a nan margin (no check): what the loss gives then')


def tag(shape: Sequence[int]) -> str:
    return 'x'.join(map(str, shape)) if len(shape) else '0d'


def I(r: Rng, lo: int, hi: int, *shape: int) -> torch.Tensor:  # noqa: E743 - short helper name
    return r.randint(lo, hi, *shape)


def T(values, dtype=torch.float32) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype)


def signs(r: Rng, *shape: int, dtype=torch.float32) -> torch.Tensor:
    return r.sign(*shape).to(dtype)


# --- elementwise regression losses: L1, MSE, Huber, SmoothL1 -------------------------------------

REG_SHAPES = [(4, 3), (6,), (), (2, 3, 2), (1, 1), (0, 3)]
BROADCASTS = [((3, 1), (4,)), ((4,), (3, 4)), ((), (2, 3)), ((2, 1, 3), (1, 4, 1))]


def regression(c: Cases, opts: list[tuple[str, dict]], *, int_input: bool, int_target: bool, int_target_grad: bool = True, bool_target: bool = False) -> None:
    """Shapes x reductions for the default option, two shapes for the others, broadcasting, integer and special values."""
    for shape in REG_SHAPES:
        for red in REDS:
            cid = f'{tag(shape)}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(*shape), True), Arg('target', r.randn(*shape), True)], {'reduction': red})
    for otag, opt in opts:
        for shape in [(4, 5), (7,)]:
            for red in REDS:
                cid = f'{otag}/{tag(shape)}/{red}'
                r = c.rng(cid)
                scale = 2.0 * max(opt.get('delta', opt.get('beta', 1.0)), 0.05)
                c.value(cid, r, [Arg('input', r.randn(*shape, scale=scale), True), Arg('target', r.randn(*shape, scale=scale), True)], {'reduction': red, **opt})
    for a, b in BROADCASTS:
        for red in ['none', 'mean']:
            cid = f'broadcast/{tag(a)}-vs-{tag(b)}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(*a), True), Arg('target', r.randn(*b), True)], {'reduction': red},
                    note='shapes differ: torch warns, then broadcasts input and target; each gradient is summed back to its own shape')
    for red in REDS:
        cid = f'requires-grad/input-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', r.randn(3, 4), False)], {'reduction': red})
        cid = f'requires-grad/target-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), False), Arg('target', r.randn(3, 4), True)], {'reduction': red})
    if int_target:
        for red in REDS:
            cid = f'int-target/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(3, 4, scale=2.0), int_target_grad), Arg('target', I(r, -3, 4, 3, 4))], {'reduction': red},
                    note='an integer target is promoted to the input\'s float dtype' + ('' if int_target_grad else
                         "; torch 1.13's backward fails on it (a dtype check in its kernel), so only the forward is checked"))
    if int_input:
        for red in REDS:
            cid = f'int-input/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', I(r, -3, 4, 3, 4)), Arg('target', r.randn(3, 4, scale=2.0), int_target_grad)], {'reduction': red},
                    note='an integer input is promoted to the target\'s float dtype' + ('' if int_target_grad else
                         "; torch 1.13's backward fails on it (a dtype check in its kernel), so only the forward is checked"))
    # Ties: input == target exactly.
    for red in ['none', 'sum']:
        cid = f'ties/{red}'
        r = c.rng(cid)
        t = r.randn(2, 4)
        x = t.clone()
        x[0, :2] += 0.5
        c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], {'reduction': red}, note='input equals target in most places (the kink of |d|)')
    # Special values.
    x = T([NAN, 1.0, INF, -INF, 2.0, INF, 0.5, -1.0])
    t = T([0.0, NAN, 1.0, 1.0, INF, INF, -INF, -1.0])
    for red in REDS:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], {'reduction': red}, note='nan and infinities in input and target: what torch gives')
    for red in ['none', 'sum']:
        cid = f'large-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(2, 3, scale=1e4), True), Arg('target', r.randn(2, 3, scale=1e4), True)], {'reduction': red})
    # Errors.
    c.error('error/shape-mismatch', [Arg('input', c.rng('e1').randn(3, 4), True), Arg('target', c.rng('e2').randn(3, 5))])
    c.error('error/shape-mismatch-rank', [Arg('input', c.rng('e3').randn(2, 3), True), Arg('target', c.rng('e4').randn(4, 2, 4))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(3, 4), True), Arg('target', r.randn(3, 4))])
    if bool_target:
        for red in REDS:
            cid = f'bool-target/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(5), False), Arg('target', T([True, False, True, True, False], torch.bool))], {'reduction': red},
                    note='torch promotes a bool target to float (0 and 1) here')
    else:
        c.error('error/bool-target', [Arg('input', c.rng('e5').randn(3), True), Arg('target', T([True, False, True], torch.bool))])


def gen_l1(c: Cases) -> None:
    regression(c, [], int_input=True, int_target=True)
    c.error('error/int-input-and-target/mean', [Arg('input', T([1, 2, 3], LONG)), Arg('target', T([0, 2, 5], LONG))])


def gen_mse(c: Cases) -> None:
    regression(c, [], int_input=True, int_target=True, int_target_grad=False, bool_target=True)
    c.error('error/int-input-and-target/mean', [Arg('input', T([1, 2, 3], LONG)), Arg('target', T([0, 2, 5], LONG))])
    c.error('error/int-input-and-target/none', [Arg('input', T([1, 2, 3], LONG)), Arg('target', T([0, 2, 5], LONG))], {'reduction': 'none'})


def gen_huber(c: Cases) -> None:
    deltas = [('delta-0.5', {'delta': 0.5}), ('delta-2.5', {'delta': 2.5}), ('delta-1e-3', {'delta': 1e-3}), ('delta-1e6', {'delta': 1e6})]
    regression(c, deltas, int_input=False, int_target=True, int_target_grad=False, bool_target=True)
    for delta in [1.0, 0.5]:
        for red in ['none', 'sum']:
            cid = f'exactly-at-delta-{delta}/{red}'
            r = c.rng(cid)
            t = T([0.25, -1.5, 2.0, 0.0, 1.0, -0.75])
            d = T([delta, -delta, delta, -delta, 0.5 * delta, 3 * delta])
            c.value(cid, r, [Arg('input', t + d, True), Arg('target', t, True)], {'reduction': red, 'delta': delta},
                    note='|input - target| == delta exactly for four elements: both branches agree there')
    c.error('error/int-input', [Arg('input', T([1, 2, 3], LONG)), Arg('target', T([0.5, 2.0, 5.0]))])
    c.error('error/delta-string', [Arg('input', c.rng('d').randn(3), True), Arg('target', c.rng('t').randn(3))], {'delta': 'a'})
    c.error('error/delta-nan', [Arg('input', c.rng('d').randn(3), True), Arg('target', c.rng('t').randn(3))], {'delta': NAN})
    for bad in [0.0, -1.0]:
        c.error(f'error/delta-{bad}', [Arg('input', c.rng('d').randn(3), True), Arg('target', c.rng('t').randn(3))], {'delta': bad})


def gen_smooth_l1(c: Cases) -> None:
    betas = [('beta-0.5', {'beta': 0.5}), ('beta-0', {'beta': 0.0}), ('beta-3', {'beta': 3.0}), ('beta-1e-4', {'beta': 1e-4})]
    regression(c, betas, int_input=True, int_target=True, bool_target=True)
    for beta in [1.0, 0.5, 0.0]:
        for red in ['none', 'mean']:
            cid = f'exactly-at-beta-{beta}/{red}'
            r = c.rng(cid)
            t = T([0.25, -1.5, 2.0, 0.0, 1.0, -0.75, 0.5, 3.0])
            d = T([beta, -beta, beta, -beta, 0.5 * beta + 0.25, 3 * beta + 1, 0.0, 0.0])
            c.value(cid, r, [Arg('input', t + d, True), Arg('target', t, True)], {'reduction': red, 'beta': beta},
                    note='|input - target| == beta exactly for four elements and 0 for two' + (' (beta 0 is the L1 loss; torch gives -1 to both input and target at a tie)' if beta == 0 else ''))
    for red in ['none', 'sum']:
        cid = f'beta-0/int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([1.0, -2.0, 0.5, 3.0]), True), Arg('target', T([1, -1, 0, 3], LONG))], {'reduction': red, 'beta': 0.0})
    c.error('error/beta-nan', [Arg('input', c.rng('b').randn(3), True), Arg('target', c.rng('t').randn(3))], {'beta': NAN})
    for bad in [-0.5, -1e-6]:
        c.error(f'error/beta-{bad}', [Arg('input', c.rng('b').randn(3), True), Arg('target', c.rng('t').randn(3))], {'beta': bad})


# --- PoissonNLL, GaussianNLL, KLDiv ------------------------------------------------------------------


def counts(r: Rng, *shape: int, hi: int = 6) -> torch.Tensor:
    return I(r, 0, hi, *shape).float()


def gen_poisson(c: Cases) -> None:
    for log_input in [True, False]:
        for full in [False, True]:
            for shape in [(4, 3), (5,), (), (2, 2, 3)]:
                for red in REDS:
                    otag = ('log-input' if log_input else 'rate-input') + ('/full' if full else '')
                    cid = f'{otag}/{tag(shape)}/{red}'
                    r = c.rng(cid)
                    x = r.randn(*shape) if log_input else r.uniform(*shape, lo=0.1, hi=3.0)
                    t = counts(r, *shape) if not full else (I(r, 2, 7, *shape).float() + r.uniform(*shape, lo=0.0, hi=0.5))
                    opts = {'reduction': red}
                    if not log_input:
                        opts['logInput'] = False
                    if full:
                        opts['full'] = True
                    c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], opts)
    # full with targets at and below 1 (no Stirling term there), including zeros: torch's target gradient is nan at 0.
    for log_input in [True, False]:
        for red in REDS:
            cid = f'full/targets-0-1-2/{"log-input" if log_input else "rate-input"}/{red}'
            r = c.rng(cid)
            t = T([0.0, 1.0, 2.0, 0.5, 1.5, 4.0, 1.0, 0.0])
            x = r.randn(8) if log_input else r.uniform(8, lo=0.2, hi=2.0)
            c.value(cid, r, [Arg('input', x, True), Arg('target', t, False)], {'reduction': red, 'full': True, 'logInput': log_input},
                    note='full adds t log t - t + 0.5 log(2 pi t) only where t > 1; torch\'s target gradient is nan at t == 0 (0 * log 0), so only the input gradient is checked')
        cid = f'full/targets-in-0-1/{"log-input" if log_input else "rate-input"}/sum'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(6) if log_input else r.uniform(6, lo=0.2, hi=2.0), True), Arg('target', T([0.25, 1.0, 0.5, 2.0, 3.5, 1.25]), True)],
                {'reduction': 'sum', 'full': True, 'logInput': log_input}, note='targets at or below 1 get no Stirling term and a zero target gradient from it')
    for eps in [0.5, 1e-3, 0.0]:
        for red in ['none', 'sum']:
            cid = f'rate-input/eps-{eps}/zero-rates/{red}'
            r = c.rng(cid)
            x = T([0.0, 0.5, 0.0, 2.0, 1e-3, 0.25])
            t = T([1.0, 2.0, 0.0, 0.0, 3.0, 1.0]) if eps > 0 else T([1.0, 2.0, 3.0, 0.0, 3.0, 1.0])
            c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], {'reduction': red, 'logInput': False, 'eps': eps},
                    note='eps is added to the rate inside the log' + ('; eps 0 with a zero rate gives an infinite loss' if eps == 0 else ''))
    for red in REDS:
        cid = f'log-input/eps-ignored/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 2), True), Arg('target', counts(r, 3, 2), True)], {'reduction': red, 'eps': 0.25}, note='eps only matters for rate input')
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', I(r, 0, 6, 3, 4))], {'reduction': red}, note='integer counts are promoted to float')
        cid = f'int-target/full/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', I(r, 0, 6, 3, 4))], {'reduction': red, 'full': True})
    for red in ['mean', 'none']:
        cid = f'int-input/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', I(r, -2, 3, 2, 3)), Arg('target', r.uniform(2, 3, lo=0, hi=4), True)], {'reduction': red})
    for a, b in [((3, 1), (4,)), ((4,), (2, 4))]:
        cid = f'broadcast/{tag(a)}-vs-{tag(b)}/mean'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(*a), True), Arg('target', counts(r, *b), True)], {'reduction': 'mean'})
    for red in REDS:
        cid = f'empty/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(0, 3), True), Arg('target', r.randn(0, 3), True)], {'reduction': red})
    for red in ['none', 'sum']:
        cid = f'large-log-rates/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([10.0, -20.0, 30.0, 0.0]), True), Arg('target', T([5.0, 0.0, 40.0, 1.0]), True)], {'reduction': red})
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, INF, -INF, 1.0]), True), Arg('target', T([1.0, 2.0, 3.0, NAN]), True)], {'reduction': red})
    c.error('error/shape-mismatch', [Arg('input', c.rng('a').randn(3, 4), True), Arg('target', c.rng('b').randn(4, 3))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', counts(r, 3))])
    for red in REDS:
        cid = f'bool-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4), False), Arg('target', T([True, False, True, False], torch.bool))], {'reduction': red},
                note='torch promotes a bool target to float (0 and 1) here')


def gen_gaussian(c: Cases) -> None:
    var_forms = [
        ('var-same', (4, 3), (4, 3)),
        ('var-one-dim-fewer', (4, 3), (4,)),
        ('var-last-dim-1', (4, 3), (4, 1)),
        ('1d/var-same', (5,), (5,)),
        ('1d/var-0d', (5,), ()),
        ('1d/var-1', (5,), (1,)),
        ('3d/var-same', (2, 3, 2), (2, 3, 2)),
        ('3d/var-one-dim-fewer', (2, 3, 2), (2, 3)),
        ('3d/var-last-dim-1', (2, 3, 2), (2, 3, 1)),
        ('0d/var-0d', (), ()),
    ]
    for vtag, xs, vs in var_forms:
        for full in [False, True]:
            for red in REDS:
                cid = f'{vtag}{"/full" if full else ""}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red}
                if full:
                    opts['full'] = True
                c.value(cid, r, [Arg('input', r.randn(*xs), True), Arg('target', r.randn(*xs), True), Arg('var', r.uniform(*vs, lo=0.2, hi=2.0), True)], opts)
    for eps in [0.1, 1e-6]:
        for red in REDS:
            cid = f'eps-{eps}/small-and-zero-var/{red}'
            r = c.rng(cid)
            v = T([0.0, 1e-8, 0.05, 0.1, 0.5, 2.0, 1e-3, 0.0])
            c.value(cid, r, [Arg('input', r.randn(8), True), Arg('target', r.randn(8), True), Arg('var', v, True)], {'reduction': red, 'eps': eps},
                    note='var is clamped to >= eps without autograd seeing it: the var gradient is taken at the clamped value as if the clamp were the identity')
    for red in REDS:
        cid = f'target-broadcast/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', r.randn(1, 4), True), Arg('var', r.uniform(3, 4, lo=0.5, hi=1.5), True)], {'reduction': red},
                note='input and target broadcast (var is checked against the input\'s shape only)')
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', I(r, -2, 3, 3, 4)), Arg('var', r.uniform(3, 4, lo=0.5, hi=1.5), True)], {'reduction': red})
    for red in ['none', 'mean']:
        cid = f'int-input/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', I(r, -2, 3, 3, 4)), Arg('target', r.randn(3, 4), True), Arg('var', r.uniform(3, 1, lo=0.5, hi=1.5), True)], {'reduction': red})
    for red in REDS:
        cid = f'empty/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(0, 3), True), Arg('target', r.randn(0, 3), True), Arg('var', r.uniform(0, 3), True)], {'reduction': red})
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, 1.0, INF, 0.0]), True), Arg('target', T([0.0, 1.0, 1.0, 0.0]), True), Arg('var', T([1.0, NAN, 1.0, INF]), True)], {'reduction': red})
    for red in REDS:
        cid = f'requires-grad/var-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 2), False), Arg('target', r.randn(3, 2), False), Arg('var', r.uniform(3, 2, lo=0.3, hi=2), True)], {'reduction': red})
    e = c.rng('errors')
    c.error('error/var-wrong-size', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', e.uniform(4, 2), True)])
    c.error('error/var-one-dim-fewer-wrong', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', e.uniform(3), True)])
    c.error('error/var-first-dim-1', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', e.uniform(1, 3), True)])
    c.error('error/var-0d-for-2d', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', e.uniform(), True)])
    c.error('error/var-bigger', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', e.uniform(2, 4, 3), True)])
    c.error('error/var-negative', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', T([[1.0, 2.0, -0.5]] * 4), True)])
    c.error('error/var-negative-homoscedastic', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', T([1.0, -1e-6, 2.0, 0.5]), True)])
    c.error('error/target-shape-mismatch', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 2)), Arg('var', e.uniform(4, 3), True)])
    c.error('error/int-var', [Arg('input', e.randn(4, 3), True), Arg('target', e.randn(4, 3)), Arg('var', T([[1, 2, 3]] * 4, LONG))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', r.randn(3)), Arg('var', r.uniform(3, lo=0.5, hi=1))])


def gen_kldiv(c: Cases) -> None:
    reds = REDS + ['batchmean']
    for log_target in [False, True]:
        for shape in [(4, 5), (6,), (2, 3, 4), ()]:
            for red in reds:
                cid = f'{"log-target" if log_target else "prob-target"}/{tag(shape)}/{red}'
                r = c.rng(cid)
                x = torch.log_softmax(r.randn(*shape), -1) if shape else r.randn(scale=0.5) - 1.0
                t = torch.softmax(r.randn(*shape), -1) if shape else r.uniform(lo=0.1, hi=0.9)
                if log_target:
                    t = torch.log(t)
                opts = {'reduction': red}
                if log_target:
                    opts['logTarget'] = True
                c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], opts,
                        note="'batchmean' divides the sum by input.size(0) (by 1 for a 0-d input); 'mean' by numel" if red == 'batchmean' else None)
    for red in reds:
        cid = f'prob-target/zeros-in-target/{red}'
        r = c.rng(cid)
        t = T([[0.0, 0.5, 0.5, 0.0], [0.25, 0.0, 0.75, 0.0], [1.0, 0.0, 0.0, 0.0]])
        c.value(cid, r, [Arg('input', torch.log_softmax(r.randn(3, 4), 1), True), Arg('target', t, False)], {'reduction': red},
                note='target 0 contributes 0 (xlogy(0, 0) = 0); torch\'s target gradient is nan there, so only the input gradient is checked')
    for red in reds:
        cid = f'log-target/-inf-in-target/{red}'
        r = c.rng(cid)
        t = torch.log(T([[0.0, 0.5, 0.5], [0.2, 0.8, 0.0]]))
        c.value(cid, r, [Arg('input', torch.log_softmax(r.randn(2, 3), 1), True), Arg('target', t, True)], {'reduction': red, 'logTarget': True},
                note='a log target of -inf (probability 0) contributes 0: exp(-inf) (-inf - x) is nan in torch, so this pins down what torch gives')
    for red in reds:
        cid = f'unnormalised/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', r.uniform(3, 4, lo=0.1, hi=2.0), True)], {'reduction': red},
                note='kl_div does not require normalised distributions')
    for red in ['batchmean', 'none', 'sum']:
        cid = f'broadcast/target-3x4-input-4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', torch.log_softmax(r.randn(4), 0), True), Arg('target', torch.softmax(r.randn(3, 4), 1), True)], {'reduction': red},
                note="input and target broadcast; 'batchmean' still divides by input.size(0)")
    for red in reds:
        cid = f'empty/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(0, 3), True), Arg('target', r.uniform(0, 3), True)], {'reduction': red})
    for red in ['none', 'sum']:
        cid = f'negative-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4), True), Arg('target', T([-0.5, 0.5, 1.0, -1.0]), False)], {'reduction': red},
                note='a negative probability gives nan (xlogy of a negative number)')
    for red in ['none', 'batchmean']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, -INF, 0.0, INF]), True), Arg('target', T([0.5, 0.5, 0.25, 0.25]), True)], {'reduction': red})
    e = c.rng('errors')
    c.error('error/shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 5))])
    c.error('error/int-target', [Arg('input', e.randn(3, 4), True), Arg('target', I(e, 0, 2, 3, 4))])
    c.error('error/int-input', [Arg('input', I(e, -3, 0, 3, 4)), Arg('target', e.uniform(3, 4))])
    c.error('error/int-target/log-target', [Arg('input', e.randn(3, 4), True), Arg('target', I(e, -3, 0, 3, 4))], {'logTarget': True})
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', r.uniform(3))])


# --- BCE, BCEWithLogits, MultiLabelSoftMargin, SoftMargin -----------------------------------------------


def probs(r: Rng, *shape: int) -> torch.Tensor:
    return r.uniform(*shape, lo=0.02, hi=0.98)


def binary(r: Rng, *shape: int) -> torch.Tensor:
    return r.bernoulli(*shape).float()


def gen_bce(c: Cases) -> None:
    for shape in [(4, 3), (5,), (), (2, 3, 2), (0, 3)]:
        for ttag, tf in [('soft', probs), ('binary', binary)]:
            for red in REDS:
                cid = f'{ttag}-target/{tag(shape)}/{red}'
                r = c.rng(cid)
                c.value(cid, r, [Arg('input', probs(r, *shape), True), Arg('target', tf(r, *shape), True)], {'reduction': red})
    for wtag, ws in [('weight-class', (3,)), ('weight-full', (4, 3)), ('weight-rows', (4, 1)), ('weight-0d', ()), ('weight-1', (1,))]:
        for red in REDS:
            cid = f'{wtag}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', probs(r, 4, 3), True), Arg('target', binary(r, 4, 3), True)], {'reduction': red, 'weight': r.uniform(*ws, lo=0.2, hi=2.0)},
                    note='weight broadcasts to the input\'s shape')
    for red in REDS:
        cid = f'int-weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', probs(r, 4, 3), True), Arg('target', binary(r, 4, 3), True)], {'reduction': red, 'weight': I(r, 0, 4, 3)},
                note='an integer weight is promoted to float')
    for red in REDS:
        cid = f'probabilities-exactly-0-and-1/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([0.0, 1.0, 0.0, 1.0, 0.5, 1.0]), True), Arg('target', T([0.0, 1.0, 1.0, 0.0, 1.0, 0.5]), False)], {'reduction': red},
                note='each log is clamped to >= -100, so the loss is at most 100; the input gradient is g (p - t) / max(p (1 - p), 1e-12)')
        cid = f'probabilities-exactly-0-and-1/weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([0.0, 1.0, 0.0, 1.0]), True), Arg('target', T([0.0, 1.0, 1.0, 0.0]), False)], {'reduction': red, 'weight': T([0.5, 2.0, 1.5, 0.25])})
    for red in ['none', 'sum']:
        cid = f'near-0-and-1/{red}'
        r = c.rng(cid)
        x = T([1e-7, 1 - 2 ** -24, 1e-30, 1e-3, 0.999, 2 ** -24])
        c.value(cid, r, [Arg('input', x, True), Arg('target', T([0.0, 1.0, 1.0, 0.0, 0.0, 1.0]), False)], {'reduction': red})
        cid = f'target-outside-0-1/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', probs(r, 4), True), Arg('target', T([2.0, -1.0, 0.5, 1.5]), True)], {'reduction': red}, note='targets are not range-checked')
    for red in REDS:
        cid = f'requires-grad/input-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', probs(r, 3, 4), True), Arg('target', probs(r, 3, 4), False)], {'reduction': red, 'weight': r.uniform(4, lo=0.5, hi=1.5)})
        cid = f'requires-grad/target-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', probs(r, 3, 4), False), Arg('target', probs(r, 3, 4), True)], {'reduction': red})
    e = c.rng('errors')
    c.error('error/input-above-1', [Arg('input', T([0.5, 1.5, 0.2]), True), Arg('target', T([1.0, 0.0, 1.0]))])
    c.error('error/input-below-0', [Arg('input', T([0.5, -0.01, 0.2]), True), Arg('target', T([1.0, 0.0, 1.0]))], {'reduction': 'sum'})
    c.error('error/input-nan', [Arg('input', T([0.5, NAN, 0.2]), True), Arg('target', T([1.0, 0.0, 1.0]))], {'reduction': 'none'})
    c.error('error/input-inf', [Arg('input', T([INF, 0.5]), True), Arg('target', T([1.0, 0.0]))])
    c.error('error/shape-mismatch', [Arg('input', probs(e, 3, 4), True), Arg('target', probs(e, 3, 5))])
    c.error('error/shape-broadcastable', [Arg('input', probs(e, 3, 4), True), Arg('target', probs(e, 1, 4))], note='torch does not broadcast BCE targets')
    c.error('error/shape-same-numel', [Arg('input', probs(e, 2, 6), True), Arg('target', probs(e, 3, 4))])
    c.error('error/weight-wrong-shape', [Arg('input', probs(e, 3, 4), True), Arg('target', binary(e, 3, 4))], {'weight': e.uniform(3)})
    c.error('error/weight-bigger', [Arg('input', probs(e, 3, 4), True), Arg('target', binary(e, 3, 4))], {'weight': e.uniform(2, 3, 4)})
    c.error('error/int-target', [Arg('input', probs(e, 3, 4), True), Arg('target', I(e, 0, 2, 3, 4))])
    c.bad_reduction(lambda r: [Arg('input', probs(r, 3), True), Arg('target', binary(r, 3))])


def gen_bce_logits(c: Cases) -> None:
    for shape in [(4, 3), (5,), (), (2, 3, 2), (0, 3)]:
        for ttag, tf in [('soft', probs), ('binary', binary)]:
            for red in REDS:
                cid = f'{ttag}-target/{tag(shape)}/{red}'
                r = c.rng(cid)
                c.value(cid, r, [Arg('input', r.randn(*shape, scale=2.0), True), Arg('target', tf(r, *shape), True)], {'reduction': red})
    forms = [('class', (3,)), ('full', (4, 3)), ('rows', (4, 1)), ('0d', ()), ('1', (1,))]
    for ptag, ps in forms:
        for red in REDS:
            cid = f'pos-weight-{ptag}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(4, 3, scale=2.0), True), Arg('target', probs(r, 4, 3), True)], {'reduction': red, 'posWeight': r.uniform(*ps, lo=0.2, hi=3.0)},
                    note='posWeight multiplies the positive term and broadcasts to the input\'s shape (normally one per class, the last dim)')
    for wtag, ws in forms[:3]:
        for red in REDS:
            cid = f'weight-{wtag}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(4, 3, scale=2.0), True), Arg('target', binary(r, 4, 3), True)], {'reduction': red, 'weight': r.uniform(*ws, lo=0.2, hi=2.0)})
    for red in REDS:
        cid = f'int-weight-and-pos-weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 3, scale=2.0), True), Arg('target', probs(r, 4, 3), True)], {'reduction': red, 'weight': I(r, 0, 3, 4, 1), 'posWeight': I(r, 1, 5, 3)},
                note='integer weight and posWeight are promoted to float')
        cid = f'weight-and-pos-weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 3, scale=2.0), True), Arg('target', probs(r, 4, 3), True)],
                {'reduction': red, 'weight': r.uniform(4, 1, lo=0.2, hi=2.0), 'posWeight': r.uniform(3, lo=0.5, hi=4.0)})
        cid = f'3d/pos-weight-last-dim/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(2, 3, 4), True), Arg('target', binary(r, 2, 3, 4), True)], {'reduction': red, 'posWeight': r.uniform(4, lo=0.5, hi=4.0)})
        cid = f'3d/pos-weight-middle-dim/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(2, 3, 4), True), Arg('target', binary(r, 2, 3, 4), True)], {'reduction': red, 'posWeight': r.uniform(3, 1, lo=0.5, hi=4.0)})
    for red in REDS:
        cid = f'large-logits/{red}'
        r = c.rng(cid)
        x = T([100.0, -100.0, 100.0, -100.0, 50.0, -88.0, 1e4, -1e4])
        t = T([1.0, 0.0, 0.0, 1.0, 0.5, 0.25, 1.0, 1.0])
        c.value(cid, r, [Arg('input', x, True), Arg('target', t, True)], {'reduction': red}, note='|logit| up to 1e4: the stable form never overflows')
        cid = f'large-logits/pos-weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', x.reshape(2, 4), True), Arg('target', t.reshape(2, 4), True)], {'reduction': red, 'posWeight': T([2.0, 0.5, 3.0, 1.0])})
    for red in REDS:
        cid = f'requires-grad/input-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', probs(r, 3, 4), False)],
                {'reduction': red, 'weight': r.uniform(4, lo=0.5, hi=1.5), 'posWeight': r.uniform(4, lo=0.5, hi=2)})
        cid = f'requires-grad/target-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), False), Arg('target', probs(r, 3, 4), True)], {'reduction': red, 'posWeight': r.uniform(4, lo=0.5, hi=2)})
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, INF, -INF, 0.0]), True), Arg('target', T([1.0, 1.0, 0.0, NAN]), True)], {'reduction': red})
    e = c.rng('errors')
    c.error('error/shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', probs(e, 3, 5))])
    c.error('error/shape-broadcastable', [Arg('input', e.randn(3, 4), True), Arg('target', probs(e, 4))])
    c.error('error/pos-weight-wrong-shape', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 4))], {'posWeight': e.uniform(3)})
    c.error('error/pos-weight-bigger', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 4))], {'posWeight': e.uniform(2, 3, 4)})
    c.error('error/pos-weight-for-0d', [Arg('input', e.randn(), True), Arg('target', binary(e))], {'posWeight': e.uniform(4)})
    c.error('error/weight-wrong-shape', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 4))], {'weight': e.uniform(2, 1)})
    c.error('error/weight-bigger', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 4))], {'weight': e.uniform(2, 3, 4)})
    c.error('error/int-target', [Arg('input', e.randn(3, 4), True), Arg('target', I(e, 0, 2, 3, 4))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', binary(r, 3))])


def gen_multilabel_soft_margin(c: Cases) -> None:
    for shape in [(4, 5), (6,), (2, 3, 4), (1, 1), (0, 3)]:
        for ttag, tf in [('binary', binary), ('soft', probs)]:
            for red in REDS:
                cid = f'{ttag}/{tag(shape)}/{red}'
                r = c.rng(cid)
                c.value(cid, r, [Arg('input', r.randn(*shape, scale=2.0), True), Arg('target', tf(r, *shape), True)], {'reduction': red},
                        note='the loss is averaged over the last dim (the classes): one value per sample' if len(shape) != 2 else None)
    for wtag, ws in [('class', (5,)), ('full', (4, 5)), ('rows', (4, 1))]:
        for red in REDS:
            cid = f'weight-{wtag}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(4, 5), True), Arg('target', binary(r, 4, 5), True)], {'reduction': red, 'weight': r.uniform(*ws, lo=0.2, hi=2.0)})
    for red in REDS:
        cid = f'int-weight/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', binary(r, 3, 4), True)], {'reduction': red, 'weight': I(r, 0, 3, 4)}, note='an integer weight is promoted to float')
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', I(r, 0, 2, 3, 4))], {'reduction': red}, note='an integer 0/1 target is promoted to float')
        cid = f'large-logits/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[100.0, -100.0, 30.0], [-1e4, 1e4, 0.0]]), True), Arg('target', T([[1.0, 0.0, 0.0], [1.0, 1.0, 0.5]]), True)], {'reduction': red})
    for red in ['none', 'mean']:
        cid = f'broadcast/target-3x4-input-4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4), True), Arg('target', binary(r, 3, 4), True)], {'reduction': red},
                note='torch broadcasts, then sums over dim input.dim() - 1 (here dim 0) and divides by input.size(-1)')
        cid = f'broadcast/weight-2x3x4-input-3x4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', binary(r, 3, 4), True)], {'reduction': red, 'weight': r.uniform(2, 3, 4, lo=0.5, hi=1.5)},
                note='a weight that broadcasts the loss to a bigger shape: torch still sums over dim input.dim() - 1')
    for red in REDS:
        cid = f'requires-grad/input-only/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', binary(r, 3, 4), False)], {'reduction': red})
    e = c.rng('errors')
    c.error('error/shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 5))])
    c.error('error/0d-input', [Arg('input', e.randn(), True), Arg('target', binary(e))], note='the class dim is the last one: a 0-d input has none')
    c.error('error/weight-wrong-shape', [Arg('input', e.randn(3, 4), True), Arg('target', binary(e, 3, 4))], {'weight': e.uniform(3)})
    c.error('error/int-input', [Arg('input', I(e, -2, 2, 3, 4)), Arg('target', binary(e, 3, 4))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', binary(r, 2, 3))])


def gen_soft_margin(c: Cases) -> None:
    for shape in [(4, 3), (6,), (), (2, 3, 2), (0, 4)]:
        for red in REDS:
            cid = f'{tag(shape)}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(*shape, scale=2.0), True), Arg('target', signs(r, *shape))], {'reduction': red})
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', signs(r, 3, 4, dtype=LONG))], {'reduction': red}, note='integer +-1 targets are promoted to float')
        cid = f'int-target/1d/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(5), True), Arg('target', signs(r, 5, dtype=LONG))], {'reduction': red})
        cid = f'soft-targets/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', r.uniform(3, 4, lo=-2, hi=2))], {'reduction': red}, note='any target value: log(1 + exp(-y x))')
        cid = f'large-margins/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([30.0, -30.0, 50.0, -80.0, 80.0, 0.0]), True), Arg('target', T([1.0, 1.0, -1.0, -1.0, -1.0, 1.0]))], {'reduction': red},
                note='|y x| up to 80 (torch 1.13 computes log1p(exp(-y x)), which overflows float32 beyond 88)')
    for red in ['none', 'mean']:
        cid = f'broadcast/target-4-input-3x4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', signs(r, 4))], {'reduction': red}, note='the target broadcasts to the input\'s shape (not the other way round)')
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, INF, -INF, 2.0]), True), Arg('target', T([1.0, 1.0, -1.0, NAN]))], {'reduction': red},
                note='infinite margins y x = +inf only: where -y x is +inf, torch 1.13 computes exp(inf) / (1 + exp(inf)) = nan for the gradient, which the stable form does not mirror')
    e = c.rng('errors')
    c.error('error/shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', signs(e, 3, 5))])
    c.error('error/input-broadcasts-to-target', [Arg('input', e.randn(4), True), Arg('target', signs(e, 3, 4))],
            note='torch computes the loss in the input\'s shape: a target that would grow it is rejected')
    c.error('error/int-input', [Arg('input', I(e, -2, 2, 3, 4)), Arg('target', signs(e, 3, 4))])
    c.error('error/target-requires-grad', [Arg('input', e.randn(3, 4), True), Arg('target', signs(e, 3, 4), True)],
            note="torch: soft_margin_loss is not differentiable with respect to target")
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', signs(r, 3))])


# --- margin losses: MarginRanking, HingeEmbedding, CosineEmbedding, MultiMargin, MultiLabelMargin ---------


def gen_margin_ranking(c: Cases) -> None:
    for shape in [(6,), (), (3, 4), (0,)]:
        for margin in [None, 0.5, -0.3]:
            for red in REDS:
                mtag = 'default-margin' if margin is None else f'margin-{margin}'
                cid = f'{mtag}/{tag(shape)}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red}
                if margin is not None:
                    opts['margin'] = margin
                c.value(cid, r, [Arg('input1', r.randn(*shape), True), Arg('input2', r.randn(*shape), True), Arg('target', signs(r, *shape), True)], opts)
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(5), True), Arg('input2', r.randn(5), True), Arg('target', signs(r, 5, dtype=LONG))], {'reduction': red, 'margin': 0.25},
                note='integer +-1 targets are promoted to float')
    for red in ['none', 'sum']:
        cid = f'int-inputs/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', I(r, -3, 4, 5)), Arg('input2', I(r, -3, 4, 5)), Arg('target', signs(r, 5), True)], {'reduction': red, 'margin': 0.5})
    for red in REDS:
        cid = f'exact-hinge/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', T([1.0, 2.0, 0.5, -1.0]), True), Arg('input2', T([0.5, 2.5, 0.0, -0.5]), True), Arg('target', T([1.0, -1.0, 1.0, -1.0]), True)],
                {'reduction': red, 'margin': 0.5}, note='-y (x1 - x2) + margin is exactly 0 for every pair: the gradient passes there (clamp_min)')
    for a, b, t in [((4,), (1,), (4,)), ((1,), (1,), (3,)), ((3, 1), (1, 4), (3, 4))]:
        cid = f'broadcast/{tag(a)}-{tag(b)}-{tag(t)}/none'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(*a), True), Arg('input2', r.randn(*b), True), Arg('target', signs(r, *t), True)], {'reduction': 'none'},
                note='inputs of the same number of dims broadcast')
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', T([NAN, INF, 1.0, -INF]), True), Arg('input2', T([0.0, 1.0, INF, -INF]), True), Arg('target', T([1.0, -1.0, 1.0, 1.0]), True)], {'reduction': red})
    c.nan_margin(lambda r: [Arg('input1', r.randn(4), True), Arg('input2', r.randn(4), True), Arg('target', signs(r, 4), True)])
    e = c.rng('errors')
    c.error('error/rank-mismatch', [Arg('input1', e.randn(3), True), Arg('input2', e.randn(3), True), Arg('target', signs(e, 1, 3))])
    c.error('error/rank-mismatch-inputs', [Arg('input1', e.randn(3, 1), True), Arg('input2', e.randn(3), True), Arg('target', signs(e, 3))])
    c.error('error/size-mismatch', [Arg('input1', e.randn(3), True), Arg('input2', e.randn(4), True), Arg('target', signs(e, 3))])
    c.error('error/target-size-mismatch', [Arg('input1', e.randn(3), True), Arg('input2', e.randn(3), True), Arg('target', signs(e, 5))])
    c.bad_reduction(lambda r: [Arg('input1', r.randn(3), True), Arg('input2', r.randn(3)), Arg('target', signs(r, 3))])


def gen_hinge(c: Cases) -> None:
    for shape in [(6,), (3, 4), (), (2, 2, 3), (0, 2)]:
        for margin in [None, 0.5, 2.0]:
            for red in REDS:
                mtag = 'default-margin' if margin is None else f'margin-{margin}'
                cid = f'{mtag}/{tag(shape)}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red}
                if margin is not None:
                    opts['margin'] = margin
                c.value(cid, r, [Arg('input', r.uniform(*shape, lo=-0.5, hi=3.0), True), Arg('target', signs(r, *shape))], opts)
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.uniform(3, 4, lo=0, hi=2), True), Arg('target', signs(r, 3, 4, dtype=LONG))], {'reduction': red}, note='integer +-1 targets are promoted to float')
        cid = f'int-target/0d/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T(0.25), True), Arg('target', T(-1, LONG))], {'reduction': red})
        cid = f'other-target-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.uniform(6, lo=0, hi=2), True), Arg('target', T([0.0, 2.0, 1.0, -1.0, 0.5, -2.0]))], {'reduction': red},
                note='torch adds both terms, where(y != 1, max(0, margin - x)) + where(y != -1, x): a label that is neither 1 nor -1 gets both')
        cid = f'exact-hinge/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([1.0, 1.0, 0.5, 2.0]), True), Arg('target', T([-1.0, -1.0, -1.0, 1.0]))], {'reduction': red, 'margin': 1.0},
                note='margin - x is exactly 0 for two elements: the gradient passes there (clamp_min)')
    for red in ['none', 'mean']:
        cid = f'broadcast/input-4-target-3x4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.uniform(4, lo=0, hi=2), True), Arg('target', signs(r, 3, 4))], {'reduction': red})
        cid = f'negative-margin/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.uniform(5, lo=-2, hi=1), True), Arg('target', signs(r, 5))], {'reduction': red, 'margin': -0.5})
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([NAN, INF, -INF, INF, NAN]), True), Arg('target', T([1.0, 1.0, -1.0, -1.0, -1.0]))], {'reduction': red})
    c.nan_margin(lambda r: [Arg('input', r.uniform(4, lo=0, hi=2), True), Arg('target', signs(r, 4))])
    e = c.rng('errors')
    c.error('error/shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', signs(e, 3, 5))])
    c.error('error/int-input', [Arg('input', I(e, 0, 3, 3, 4)), Arg('target', signs(e, 3, 4))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(3), True), Arg('target', signs(r, 3))])


def gen_cosine_embedding(c: Cases) -> None:
    for margin in [None, 0.5, -0.4, 0.9]:
        for shape, ts in [((5, 4), (5,)), ((4,), ()), ((1, 3), (1,)), ((0, 3), (0,))]:
            for red in REDS:
                mtag = 'default-margin' if margin is None else f'margin-{margin}'
                cid = f'{mtag}/{tag(shape)}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red}
                if margin is not None:
                    opts['margin'] = margin
                c.value(cid, r, [Arg('input1', r.randn(*shape), True), Arg('input2', r.randn(*shape), True), Arg('target', signs(r, *ts))], opts,
                        note='1-D inputs with a 0-d target are one unbatched pair: a 0-d loss' if ts == () else None)
    for red in REDS:
        cid = f'int-target/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(4, 3), True), Arg('input2', r.randn(4, 3), True), Arg('target', signs(r, 4, dtype=LONG))], {'reduction': red, 'margin': 0.2},
                note='integer +-1 targets are promoted to float')
        cid = f'int-target/unbatched/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(3), True), Arg('input2', r.randn(3), True), Arg('target', T(-1, LONG))], {'reduction': red, 'margin': -0.5})
        cid = f'other-target-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(4, 3), True), Arg('input2', r.randn(4, 3), True), Arg('target', T([0.0, 2.0, 1.0, -1.0]))], {'reduction': red},
                note='a label that is neither 1 nor -1 contributes 0')
        cid = f'zero-and-parallel-vectors/{red}'
        r = c.rng(cid)
        x1 = T([[0.0, 0.0, 0.0], [1.0, 2.0, -1.0], [1.0, 2.0, -1.0], [0.5, 0.0, 0.0]])
        x2 = T([[1.0, 2.0, 3.0], [2.0, 4.0, -2.0], [-1.0, -2.0, 1.0], [0.0, 0.0, 0.0]])
        c.value(cid, r, [Arg('input1', x1, True), Arg('input2', x2, True), Arg('target', T([1.0, 1.0, -1.0, -1.0]))], {'reduction': red, 'margin': 0.3},
                note='EPSILON 1e-12 is added to each squared norm, so a zero vector gives cos 0, not nan')
    for red in ['none', 'mean']:
        cid = f'int-inputs/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', I(r, -3, 4, 3, 4)), Arg('input2', I(r, -3, 4, 3, 4)), Arg('target', signs(r, 3))], {'reduction': red})
        cid = f'broadcast/input2-1x4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(3, 4), True), Arg('input2', r.randn(1, 4), True), Arg('target', signs(r, 3))], {'reduction': red})
        cid = f'broadcast/target-1/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(3, 4), True), Arg('input2', r.randn(3, 4), True), Arg('target', T([-1.0]))], {'reduction': red})
        cid = f'large-scale/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input1', r.randn(3, 4, scale=1e3), True), Arg('input2', r.randn(3, 4, scale=1e-3), True), Arg('target', signs(r, 3))], {'reduction': red})
    c.nan_margin(lambda r: [Arg('input1', r.randn(3, 4), True), Arg('input2', r.randn(3, 4), True), Arg('target', T([1.0, -1.0, -1.0]))])
    e = c.rng('errors')
    c.error('error/target-2d', [Arg('input1', e.randn(3, 4), True), Arg('input2', e.randn(3, 4), True), Arg('target', signs(e, 3, 1))])
    c.error('error/1d-target-1d-inputs', [Arg('input1', e.randn(4), True), Arg('input2', e.randn(4), True), Arg('target', signs(e, 4))])
    c.error('error/0d-target-2d-inputs', [Arg('input1', e.randn(3, 4), True), Arg('input2', e.randn(3, 4), True), Arg('target', signs(e))])
    c.error('error/3d-inputs', [Arg('input1', e.randn(2, 3, 4), True), Arg('input2', e.randn(2, 3, 4), True), Arg('target', signs(e, 2))])
    c.error('error/input-ranks-differ', [Arg('input1', e.randn(3, 4), True), Arg('input2', e.randn(4), True), Arg('target', signs(e, 3))])
    c.error('error/dim-mismatch', [Arg('input1', e.randn(3, 5), True), Arg('input2', e.randn(3, 4), True), Arg('target', signs(e, 3))])
    c.error('error/batch-mismatch', [Arg('input1', e.randn(3, 4), True), Arg('input2', e.randn(3, 4), True), Arg('target', signs(e, 5))])
    c.bad_reduction(lambda r: [Arg('input1', r.randn(2, 3), True), Arg('input2', r.randn(2, 3)), Arg('target', signs(r, 2))])


def gen_multi_margin(c: Cases) -> None:
    for p in [1, 2]:
        for margin in [None, 0.5, 2.0, 0.0]:
            for red in REDS:
                mtag = 'default-margin' if margin is None else f'margin-{margin}'
                cid = f'p{p}/{mtag}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red, 'p': p} if p != 1 else {'reduction': red}
                if margin is not None:
                    opts['margin'] = margin
                c.value(cid, r, [Arg('input', r.randn(5, 4), True), Arg('target', I(r, 0, 4, 5))], opts)
        for red in REDS:
            cid = f'p{p}/weight/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(5, 4), True), Arg('target', I(r, 0, 4, 5))], {'reduction': red, 'p': p, 'weight': r.uniform(4, lo=0.2, hi=2.0)},
                    note='weight[y] scales the whole row of sample y')
            cid = f'p{p}/weight/margin-0.7/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(3, 6), True), Arg('target', I(r, 0, 6, 3))], {'reduction': red, 'p': p, 'margin': 0.7, 'weight': r.uniform(6, lo=0.2, hi=2.0)})
            for shape, ts, note in [((4,), (), 'unbatched (C) input with a 0-d target: a 0-d loss'),
                                    ((4,), (1,), "unbatched (C) input with a 1-element target: torch gives 'none' the target's shape (1)"),
                                    ((1, 4), (), "(1, C) input with a 0-d target: torch gives 'none' a 0-d loss"),
                                    ((), (), '0-d input: one class, so the loss is 0'),
                                    ((), (1,), '0-d input with a 1-element target'),
                                    ((1, 1), (1,), 'a single class: nothing to compare, the loss is 0')]:
                cid = f'p{p}/shape-{tag(shape)}-target-{tag(ts)}/{red}'
                r = c.rng(cid)
                cls = shape[-1] if shape else 1
                c.value(cid, r, [Arg('input', r.randn(*shape), True), Arg('target', I(r, 0, cls, *ts))], {'reduction': red, 'p': p}, note=note)
        for red in ['none']:
            cid = f'p{p}/empty-batch/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(0, 3), True), Arg('target', I(r, 0, 3, 0))], {'reduction': red, 'p': p},
                    note="an empty batch: 'none' gives an empty tensor (torch 1.13's 'mean' and 'sum' of an empty batch read uninitialised memory, so they are not cases)")
        for red in REDS:
            cid = f'p{p}/exact-hinge/{red}'
            r = c.rng(cid)
            x = T([[1.0, 0.0, 0.5, 2.0], [0.25, 1.25, 0.25, -1.0]])
            c.value(cid, r, [Arg('input', x, True), Arg('target', T([0, 1], LONG))], {'reduction': red, 'p': p},
                    note='margin - x[y] + x[i] is exactly 0 for some i: the gradient is 0 there (torch tests z > 0)')
            cid = f'p{p}/large-values/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(3, 4, scale=100.0), True), Arg('target', I(r, 0, 4, 3))], {'reduction': red, 'p': p})
    for red in ['none', 'sum']:
        cid = f'negative-margin/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 3, scale=0.3), True), Arg('target', I(r, 0, 3, 4))], {'reduction': red, 'margin': -0.5})
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[NAN, 0.0, 1.0], [INF, 0.0, 1.0], [0.0, -INF, 1.0]]), True), Arg('target', T([1, 0, 2], LONG))], {'reduction': red})
    c.nan_margin(lambda r: [Arg('input', r.randn(3, 4), True), Arg('target', I(r, 0, 4, 3))])
    e = c.rng('errors')
    c.error('error/target-out-of-range', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 4, 1], LONG))])
    c.error('error/target-negative', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, -1, 1], LONG))])
    c.error('error/target-out-of-range/0d', [Arg('input', e.randn(), True), Arg('target', T(1, LONG))])
    c.error('error/target-out-of-range/unbatched', [Arg('input', e.randn(4), True), Arg('target', T(4, LONG))])
    c.error('error/p-3', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'p': 3})
    c.error('error/p-0', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'p': 0})
    c.error('error/batch-size-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1], LONG))])
    c.error('error/2d-input-0d-target', [Arg('input', e.randn(2, 4), True), Arg('target', T(1, LONG))])
    c.error('error/target-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T([[0], [1], [2]], LONG))])
    c.error('error/3d-input', [Arg('input', e.randn(3, 4, 2), True), Arg('target', T([0, 1, 2], LONG))])
    c.error('error/no-classes', [Arg('input', e.randn(0), True), Arg('target', T(0, LONG))])
    c.error('error/float-target', [Arg('input', e.randn(3, 4), True), Arg('target', T([0.0, 1.0, 2.0]))])
    c.error('error/weight-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': e.uniform(1, 4)})
    c.error('error/weight-int', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': T([1, 1, 1, 1], LONG)})
    c.bad_reduction(lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', T([0, 2], LONG))])


def label_rows(r: Rng, n: int, classes: int) -> torch.Tensor:
    """Multi-label targets: each row some distinct labels, then -1, then anything in range."""
    rows = []
    for _ in range(n):
        k = r.choice(classes + 1)
        labels = r.perm(classes)[:k].tolist()
        rest = [-1] + [r.choice(classes) for _ in range(classes - k - 1)] if k < classes else []
        rows.append(labels + rest)
    return torch.tensor(rows, dtype=LONG)


def gen_multilabel_margin(c: Cases) -> None:
    for n, cls in [(4, 5), (3, 3), (1, 6)]:
        for red in REDS:
            cid = f'{n}x{cls}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(n, cls), True), Arg('target', label_rows(r, n, cls))], {'reduction': red},
                    note='each row lists its labels up to the first -1; what follows the -1 is ignored')
    for red in REDS:
        for cls in [4, 1]:
            cid = f'unbatched-{cls}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(cls), True), Arg('target', label_rows(r, 1, cls)[0])], {'reduction': red}, note='unbatched (C) input and target: a 0-d loss')
        cid = f'0d/target-0/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(), True), Arg('target', T(0, LONG))], {'reduction': red}, note='0-d input: one class, which is the only label; the loss is 0')
        cid = f'0d/target--1/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(), True), Arg('target', T(-1, LONG))], {'reduction': red})
        cid = f'0d/target-1-element/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(), True), Arg('target', T([0], LONG))], {'reduction': red}, note='0-d input with a 1-element target')
        cid = f'1-class/target-0d/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(1), True), Arg('target', T(0, LONG))], {'reduction': red}, note='(1) input with a 0-d target')
        cid = f'empty-and-full-rows/{red}'
        r = c.rng(cid)
        t = T([[-1, 0, 1, 2], [3, 1, 0, 2], [2, -1, 3, 3], [1, 1, -1, 0]], LONG)
        c.value(cid, r, [Arg('input', r.randn(4, 4), True), Arg('target', t)], {'reduction': red},
                note='a row with no labels (loss 0), a row where every class is a label (loss 0), labels after -1 (ignored), a repeated label (torch counts it twice)')
        cid = f'exact-hinge/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[1.0, 0.0, 0.5, 2.0], [0.25, 1.25, 0.25, -1.0]]), True), Arg('target', T([[0, -1, 0, 0], [1, 3, -1, 0]], LONG))], {'reduction': red},
                note='1 - (x[j] - x[i]) is exactly 0 for some pairs: the gradient is 0 there (torch tests z > 0)')
        cid = f'large-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 5, scale=100.0), True), Arg('target', label_rows(r, 3, 5))], {'reduction': red})
    cid = 'empty-batch/none'
    r = c.rng(cid)
    c.value(cid, r, [Arg('input', r.randn(0, 3), True), Arg('target', I(r, 0, 3, 0, 3))], {'reduction': 'none'},
            note="an empty batch: 'none' gives an empty tensor (torch 1.13's 'mean' and 'sum' read uninitialised memory there, so they are not cases)")
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[NAN, 0.0, 1.0], [INF, 0.0, 1.0]]), True), Arg('target', T([[1, -1, 0], [0, 2, -1]], LONG))], {'reduction': red})
    e = c.rng('errors')
    c.error('error/target-out-of-range', [Arg('input', e.randn(2, 4), True), Arg('target', T([[0, 4, -1, 0], [1, -1, 0, 0]], LONG))])
    c.error('error/target-below--1', [Arg('input', e.randn(2, 4), True), Arg('target', T([[0, -2, 1, 0], [1, -1, 0, 0]], LONG))])
    c.error('error/target-shape-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', I(e, 0, 4, 3, 5))])
    c.error('error/target-1d-for-2d', [Arg('input', e.randn(2, 4), True), Arg('target', I(e, 0, 4, 8))])
    c.error('error/target-2d-for-1d', [Arg('input', e.randn(4), True), Arg('target', I(e, 0, 4, 1, 4))])
    c.error('error/target-size-for-1d', [Arg('input', e.randn(4), True), Arg('target', I(e, 0, 4, 3))])
    c.error('error/3d-input', [Arg('input', e.randn(2, 3, 4), True), Arg('target', I(e, 0, 4, 2, 3, 4))])
    c.error('error/no-classes', [Arg('input', e.randn(0), True), Arg('target', I(e, 0, 1, 0))])
    c.error('error/float-target', [Arg('input', e.randn(2, 3), True), Arg('target', T([[0.0, -1.0, 0.0], [1.0, 2.0, -1.0]]))])
    c.bad_reduction(lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', T([[0, -1, 0], [1, 2, -1]], LONG))])


# --- triplet losses -----------------------------------------------------------------------------------------


def gen_triplet(c: Cases) -> None:
    for p in [2.0, 1.0, 3.0]:
        for swap in [False, True]:
            for red in REDS:
                cid = f'p{p:g}{"/swap" if swap else ""}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red}
                if p != 2.0:
                    opts['p'] = p
                if swap:
                    opts['swap'] = True
                c.value(cid, r, [Arg('anchor', r.randn(5, 4), True), Arg('positive', r.randn(5, 4), True), Arg('negative', r.randn(5, 4), True)], opts)
    for margin in [0.0, 0.5, 3.0, -1.0]:
        for red in REDS:
            cid = f'margin-{margin}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('anchor', r.randn(4, 3), True), Arg('positive', r.randn(4, 3), True), Arg('negative', r.randn(4, 3), True)], {'reduction': red, 'margin': margin})
    for eps in [0.0, 1e-3, 0.5]:
        for red in ['none', 'sum']:
            cid = f'eps-{eps}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('anchor', r.randn(4, 3), True), Arg('positive', r.randn(4, 3), True), Arg('negative', r.randn(4, 3), True)], {'reduction': red, 'eps': eps, 'margin': 2.0},
                    note='eps is added to the difference before the norm')
    for p in [1.5, INF, 0.5, 0.0, -1.0]:
        for red in ['none', 'mean']:
            cid = f'p{p:g}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('anchor', r.randn(4, 3), True), Arg('positive', r.randn(4, 3), True), Arg('negative', r.randn(4, 3), True)], {'reduction': red, 'p': p, 'margin': 2.0})
    for shape, note in [((5,), 'unbatched (D) inputs: a 0-d loss'), ((), '0-d inputs: the distance is |a - p + eps|'), ((2, 3, 4), 'the distance is over the last dim: a (2, 3) loss'),
                        ((0, 3), 'an empty batch'), ((3, 1), 'one feature')]:
        for swap in [False, True]:
            for red in REDS:
                cid = f'shape-{tag(shape)}{"/swap" if swap else ""}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red, 'margin': 1.5}
                if swap:
                    opts['swap'] = True
                c.value(cid, r, [Arg('anchor', r.randn(*shape), True), Arg('positive', r.randn(*shape), True), Arg('negative', r.randn(*shape), True)], opts, note=note)
    for red in ['none', 'mean']:
        cid = f'broadcast/positive-1x4/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(1, 4), True), Arg('negative', r.randn(3, 4), True)], {'reduction': red, 'swap': True})
        cid = f'anchor-equals-positive/{red}'
        r = c.rng(cid)
        a = r.randn(3, 4)
        c.value(cid, r, [Arg('anchor', a, True), Arg('positive', a.clone(), True), Arg('negative', r.randn(3, 4), True)], {'reduction': red, 'margin': 4.0},
                note='the distance is |a - p + eps|, so a == p still has a finite gradient')
        cid = f'int-inputs/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('anchor', I(r, -3, 4, 3, 4)), Arg('positive', I(r, -3, 4, 3, 4)), Arg('negative', r.randn(3, 4), True)], {'reduction': red})
    for red in ['none', 'sum']:
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('anchor', T([[NAN, 0.0], [INF, 1.0], [0.0, 1.0]]), True), Arg('positive', T([[0.0, 0.0], [1.0, 1.0], [0.0, INF]]), True),
                         Arg('negative', T([[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]), True)], {'reduction': red})
    c.nan_margin(lambda r: [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(3, 4), True), Arg('negative', r.randn(3, 4), True)])
    e = c.rng('errors')
    c.error('error/rank-mismatch', [Arg('anchor', e.randn(3, 4), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(4), True)])
    c.error('error/rank-mismatch-anchor', [Arg('anchor', e.randn(4), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(3, 4), True)])
    c.error('error/dim-mismatch', [Arg('anchor', e.randn(3, 5), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(3, 4), True)])
    c.error('error/batch-mismatch', [Arg('anchor', e.randn(3, 4), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(2, 4), True)])
    c.bad_reduction(lambda r: [Arg('anchor', r.randn(2, 3), True), Arg('positive', r.randn(2, 3)), Arg('negative', r.randn(2, 3))])


def gen_triplet_distance(c: Cases) -> None:
    for dist in ['pairwise', 'cosine']:
        for swap in [False, True]:
            for margin in [None, 0.3, 2.0]:
                for red in REDS:
                    mtag = 'default-margin' if margin is None else f'margin-{margin}'
                    cid = f'{dist}/{mtag}{"/swap" if swap else ""}/{red}'
                    r = c.rng(cid)
                    opts = {'reduction': red, 'distanceFunction': dist}
                    if margin is not None:
                        opts['margin'] = margin
                    if swap:
                        opts['swap'] = True
                    c.value(cid, r, [Arg('anchor', r.randn(5, 4), True), Arg('positive', r.randn(5, 4), True), Arg('negative', r.randn(5, 4), True)], opts)
        for shape, note in [((4,), 'unbatched (D) inputs: a 0-d loss'), ((2, 3, 4), 'the distance is over the last dim'), ((0, 3), 'an empty batch')]:
            for red in REDS:
                cid = f'{dist}/shape-{tag(shape)}/{red}'
                r = c.rng(cid)
                c.value(cid, r, [Arg('anchor', r.randn(*shape), True), Arg('positive', r.randn(*shape), True), Arg('negative', r.randn(*shape), True)],
                        {'reduction': red, 'distanceFunction': dist, 'swap': True}, note=note)
        for red in ['none', 'sum']:
            cid = f'{dist}/rank-differs/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(4), True), Arg('negative', r.randn(3, 4), True)], {'reduction': red, 'distanceFunction': dist},
                    note='no rank check here (unlike TripletMarginLoss): the distance function broadcasts')
            cid = f'{dist}/small-margin/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(3, 4), True), Arg('negative', r.randn(3, 4), True)], {'reduction': red, 'distanceFunction': dist, 'margin': 1e-3})
    for red in REDS:
        cid = f'default-distance/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('anchor', r.randn(4, 3), True), Arg('positive', r.randn(4, 3), True), Arg('negative', r.randn(4, 3), True)], {'reduction': red},
                note='no distanceFunction: pairwise_distance (p 2, eps 1e-6)')
    e = c.rng('errors')
    for dist in ['pairwise', 'cosine']:
        c.error(f'error/{dist}/dim-mismatch', [Arg('anchor', e.randn(3, 5), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(3, 4), True)], {'distanceFunction': dist})
        c.error(f'error/{dist}/batch-mismatch', [Arg('anchor', e.randn(3, 4), True), Arg('positive', e.randn(3, 4), True), Arg('negative', e.randn(2, 4), True)], {'distanceFunction': dist})
    c.bad_reduction(lambda r: [Arg('anchor', r.randn(2, 3), True), Arg('positive', r.randn(2, 3)), Arg('negative', r.randn(2, 3))])


# --- class-index losses: NLL, CrossEntropy -----------------------------------------------------------------------


def class_target(r: Rng, n_classes: int, shape: Sequence[int], ignore: int | None = None, p_ignore: float = 0.3) -> torch.Tensor:
    t = r.randint(0, n_classes, *shape)
    if ignore is not None:
        mask = r.bernoulli(*shape, p=p_ignore)
        t = torch.where(mask, torch.tensor(ignore, dtype=LONG), t)
    return t


def target_shape(xs: Sequence[int]) -> tuple:
    return tuple(xs[:1]) + tuple(xs[2:]) if len(xs) >= 2 else ()


def classes_of(xs: Sequence[int]) -> int:
    return xs[0] if len(xs) == 1 else xs[1]


NLL_SHAPES = [(5, 4), (4,), (1, 3), (2, 3, 4), (2, 3, 2, 2), (2, 3, 1, 2, 2), (0, 3), (2, 3, 0)]


def gen_nll(c: Cases) -> None:
    for xs in NLL_SHAPES:
        C = classes_of(xs)
        ts = target_shape(xs)
        for wtag in ['', 'weight/']:
            for itag, ign in [('', None), ('ignore-index-1/', 1)]:
                for red in REDS:
                    cid = f'{tag(xs)}/{wtag}{itag}{red}'
                    r = c.rng(cid)
                    opts = {'reduction': red}
                    if wtag:
                        opts['weight'] = r.uniform(C, lo=0.2, hi=2.0)
                    if ign is not None:
                        opts['ignoreIndex'] = ign
                    x = torch.log_softmax(r.randn(*xs), 0 if len(xs) == 1 else 1)
                    c.value(cid, r, [Arg('input', x, True), Arg('target', class_target(r, C, ts))], opts,
                            note="'mean' divides by the sum of the weights of the targets that are not ignored" if wtag and red == 'mean' else None)
    for ign, itag in [(-1, 'minus-1'), (-100, 'default'), (7, 'out-of-range-7')]:
        for red in REDS:
            cid = f'ignore-index-{itag}/{red}'
            r = c.rng(cid)
            opts = {'reduction': red}
            if ign != -100:
                opts['ignoreIndex'] = ign
            c.value(cid, r, [Arg('input', r.randn(6, 4), True), Arg('target', class_target(r, 4, (6,), ignore=ign, p_ignore=0.4))], opts,
                    note='a target equal to ignoreIndex contributes nothing, even outside [0, C)')
    for red in REDS:
        for wtag in ['', 'weight/']:
            cid = f'all-ignored/{wtag}{red}'
            r = c.rng(cid)
            opts = {'reduction': red, 'ignoreIndex': 2}
            if wtag:
                opts['weight'] = r.uniform(3, lo=0.5, hi=2)
            c.value(cid, r, [Arg('input', r.randn(4, 3), True), Arg('target', T([2, 2, 2, 2], LONG))], opts,
                    note="every target is ignored: 'mean' is 0 / 0 = nan, 'sum' 0; the gradient is 0")
        cid = f'all-ignored/kdim/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(2, 3, 2), True), Arg('target', T([[0, 0], [0, 0]], LONG))], {'reduction': red, 'ignoreIndex': 0})
        cid = f'zero-weight-class/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 3), True), Arg('target', T([0, 1, 1, 2], LONG))], {'reduction': red, 'weight': T([1.5, 0.0, 0.5])})
        cid = f'all-weights-zero/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 3), True), Arg('target', T([1, 1, 2], LONG))], {'reduction': red, 'weight': T([1.0, 0.0, 0.0])},
                note="the targets' weights add up to 0: 'mean' is nan")
        cid = f'unbatched/ignored/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4), True), Arg('target', T(1, LONG))], {'reduction': red, 'ignoreIndex': 1})
        cid = f'one-class/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 1), True), Arg('target', T([0, 0, 0], LONG))], {'reduction': red})
        cid = f'special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[NAN, 0.0, 1.0], [INF, 0.0, -1.0], [0.0, -INF, 1.0]]), True), Arg('target', T([1, 0, 1], LONG))], {'reduction': red},
                note='only the picked log-probability matters: the nan in an unpicked class does not spread')
        cid = f'large-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4, scale=1e4), True), Arg('target', class_target(r, 4, (3,)))], {'reduction': red, 'weight': r.uniform(4, lo=0.5, hi=2)})
    e = c.rng('errors')
    c.error('error/target-out-of-range', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 4, 1], LONG))])
    c.error('error/target-negative', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, -1, 1], LONG))])
    c.error('error/target-negative-not-ignore', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, -5, 1], LONG))], {'ignoreIndex': -1})
    c.error('error/target-out-of-range/kdim', [Arg('input', e.randn(2, 3, 4), True), Arg('target', T([[0, 3, 1, 1], [0, 0, 0, 0]], LONG))])
    c.error('error/target-out-of-range/unbatched', [Arg('input', e.randn(4), True), Arg('target', T(4, LONG))])
    c.error('error/target-out-of-range/reduction-none', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 9, 1], LONG))], {'reduction': 'none'})
    c.error('error/batch-size-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1], LONG))])
    c.error('error/target-0d-for-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T(1, LONG))])
    c.error('error/target-2d-for-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T([[0], [1], [2]], LONG))])
    c.error('error/target-1d-for-1d', [Arg('input', e.randn(4), True), Arg('target', T([1], LONG))])
    c.error('error/kdim-target-shape', [Arg('input', e.randn(2, 3, 4), True), Arg('target', T([[0, 1, 2], [0, 1, 2]], LONG))])
    c.error('error/kdim-target-rank', [Arg('input', e.randn(2, 3, 4, 2), True), Arg('target', I(e, 0, 3, 2, 4))])
    c.error('error/0d-input', [Arg('input', e.randn(), True), Arg('target', T(0, LONG))])
    c.error('error/float-target', [Arg('input', e.randn(3, 4), True), Arg('target', T([0.0, 1.0, 2.0]))])
    c.error('error/probability-target', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))])
    c.error('error/weight-wrong-length', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': e.uniform(5)})
    c.error('error/weight-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': e.uniform(1, 4)})
    c.error('error/weight-int', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': T([1, 1, 1, 1], LONG)})
    c.error('error/ignore-index-float', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'ignoreIndex': 1.5})
    c.bad_reduction(lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', T([0, 2], LONG))])


CE_SHAPES = [(5, 4), (4,), (2, 3, 4), (2, 3, 2, 2)]


def gen_cross_entropy(c: Cases) -> None:
    # Class-index targets: weight x ignoreIndex x labelSmoothing x reduction.
    for xs in CE_SHAPES:
        C = classes_of(xs)
        ts = target_shape(xs)
        for wtag in ['', 'weight/']:
            for itag, ign in [('', None), ('ignore-index-1/', 1)]:
                for ls in [0.0, 0.2]:
                    for red in REDS:
                        if len(xs) != 2 and itag and ls == 0.0:
                            continue
                        lstag = f'label-smoothing-{ls}/' if ls else ''
                        cid = f'index/{tag(xs)}/{wtag}{itag}{lstag}{red}'
                        r = c.rng(cid)
                        opts = {'reduction': red}
                        if wtag:
                            opts['weight'] = r.uniform(C, lo=0.2, hi=2.0)
                        if ign is not None:
                            opts['ignoreIndex'] = ign
                        if ls:
                            opts['labelSmoothing'] = ls
                        c.value(cid, r, [Arg('input', r.randn(*xs, scale=2.0), True), Arg('target', class_target(r, C, ts))], opts)
    # Probability targets: weight x labelSmoothing x reduction.
    for xs in CE_SHAPES:
        C = classes_of(xs)
        cdim = 0 if len(xs) == 1 else 1
        for wtag in ['', 'weight/']:
            for ls in [0.0, 0.3]:
                for red in REDS:
                    lstag = f'label-smoothing-{ls}/' if ls else ''
                    cid = f'probs/{tag(xs)}/{wtag}{lstag}{red}'
                    r = c.rng(cid)
                    opts = {'reduction': red}
                    if wtag:
                        opts['weight'] = r.uniform(C, lo=0.2, hi=2.0)
                    if ls:
                        opts['labelSmoothing'] = ls
                    c.value(cid, r, [Arg('input', r.randn(*xs, scale=2.0), True), Arg('target', torch.softmax(r.randn(*xs), cdim), True)], opts,
                            note="probability targets (the input's shape): 'mean' divides by the number of samples (numel / C), whatever the weights" if red == 'mean' and wtag else None)
    for red in REDS:
        cid = f'probs/unnormalised/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', r.uniform(3, 4, lo=0, hi=2), True)], {'reduction': red}, note='targets need not sum to 1')
        cid = f'probs/one-hot/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 3), True), Arg('target', F.one_hot(T([0, 2, 1, 2], LONG), 3).float(), True)], {'reduction': red, 'labelSmoothing': 0.1})
        cid = f'probs/ignore-index-negative/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 4), True), Arg('target', torch.softmax(r.randn(3, 4), 1), True)], {'reduction': red, 'ignoreIndex': -1},
                note='a negative ignoreIndex is allowed (and unused) with probability targets')
    for ls in [0.05, 0.5, 1.0]:
        for red in REDS:
            cid = f'index/label-smoothing-{ls}/{red}'
            r = c.rng(cid)
            c.value(cid, r, [Arg('input', r.randn(4, 5), True), Arg('target', class_target(r, 5, (4,)))], {'reduction': red, 'labelSmoothing': ls})
    for red in REDS:
        cid = f'index/label-smoothing-negative/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 5), True), Arg('target', class_target(r, 5, (4,)))], {'reduction': red, 'labelSmoothing': -0.1},
                note='torch 1.13 only checks labelSmoothing <= 1: a negative value is accepted and has no effect')
        cid = f'index/label-smoothing-nan/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 5), True), Arg('target', class_target(r, 5, (4,)))], {'reduction': red, 'labelSmoothing': NAN},
                note='torch 1.13 smooths only when labelSmoothing > 0: nan means no smoothing')
        cid = f'probs/label-smoothing-negative/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4, 5), True), Arg('target', torch.softmax(r.randn(4, 5), 1), True)], {'reduction': red, 'labelSmoothing': -0.1},
                note='torch 1.13 only checks labelSmoothing <= 1: a negative value is accepted and has no effect')
    for ign, itag in [(-1, 'minus-1'), (-100, 'default-in-target'), (9, 'out-of-range-9')]:
        for red in REDS:
            cid = f'index/ignore-index-{itag}/{red}'
            r = c.rng(cid)
            opts = {'reduction': red, 'labelSmoothing': 0.1, 'weight': r.uniform(4, lo=0.5, hi=2.0)}
            if ign != -100:
                opts['ignoreIndex'] = ign
            c.value(cid, r, [Arg('input', r.randn(6, 4), True), Arg('target', class_target(r, 4, (6,), ignore=ign, p_ignore=0.4))], opts)
    for red in REDS:
        for ls in [0.0, 0.25]:
            for wtag in ['', 'weight/']:
                cid = f'index/all-ignored/{wtag}label-smoothing-{ls}/{red}'
                r = c.rng(cid)
                opts = {'reduction': red, 'ignoreIndex': 0, 'labelSmoothing': ls}
                if wtag:
                    opts['weight'] = r.uniform(3, lo=0.5, hi=2)
                c.value(cid, r, [Arg('input', r.randn(3, 3), True), Arg('target', T([0, 0, 0], LONG))], opts,
                        note="every target is ignored: 'mean' is nan, 'sum' 0, the gradient 0")
        for xs, ts in [((0, 4), (0,)), ((2, 4, 0), (2, 0))]:
            for ls in [0.0, 0.1]:
                cid = f'index/empty-{tag(xs)}/label-smoothing-{ls}/{red}'
                r = c.rng(cid)
                c.value(cid, r, [Arg('input', r.randn(*xs), True), Arg('target', I(r, 0, 4, *ts))], {'reduction': red, 'labelSmoothing': ls},
                        note="nothing to average: 'mean' is nan, 'sum' 0")
        cid = f'probs/empty/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(0, 4), True), Arg('target', r.uniform(0, 4), True)], {'reduction': red})
        cid = f'index/one-class/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(3, 1), True), Arg('target', T([0, 0, 0], LONG))], {'reduction': red, 'labelSmoothing': 0.3})
        cid = f'index/unbatched/ignored/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', r.randn(4), True), Arg('target', T(2, LONG))], {'reduction': red, 'ignoreIndex': 2, 'labelSmoothing': 0.2})
        cid = f'index/large-logits/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[1e4, -1e4, 0.0], [-1e4, 1e4, 50.0], [100.0, 100.0, -100.0]]), True), Arg('target', T([1, 1, 2], LONG))], {'reduction': red},
                note='the log-softmax is computed stably: huge logits give finite losses')
        cid = f'index/large-logits/label-smoothing/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[1e4, -1e4, 0.0], [-1e4, 1e4, 50.0], [100.0, 100.0, -100.0]]), True), Arg('target', T([1, 1, 2], LONG))], {'reduction': red, 'labelSmoothing': 0.1})
        cid = f'probs/large-logits/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[1e4, -1e4, 0.0], [-50.0, 80.0, 50.0]]), True), Arg('target', T([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]]), True)], {'reduction': red})
        cid = f'index/-inf-logits/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[-INF, 1.0, 0.0], [-INF, -INF, 2.0]]), True), Arg('target', T([1, 2], LONG))], {'reduction': red},
                note='a class with logit -inf has probability 0; the picked classes are finite')
        cid = f'index/-inf-logits/label-smoothing/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[-INF, 1.0, 0.0], [-INF, -INF, 2.0]]), True), Arg('target', T([1, 2], LONG))], {'reduction': red, 'labelSmoothing': 0.1},
                note='label smoothing puts weight on the -inf class: the loss is inf')
        cid = f'index/special-values/{red}'
        r = c.rng(cid)
        c.value(cid, r, [Arg('input', T([[NAN, 0.0, 1.0], [1e30, 0.0, -1.0], [0.0, 1.0, 2.0]]), True), Arg('target', T([1, 0, 2], LONG))], {'reduction': red},
                note='a nan logit makes its row nan; a huge finite logit is harmless')
    e = c.rng('errors')
    c.error('error/target-out-of-range', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 4, 1], LONG))])
    c.error('error/target-out-of-range/label-smoothing', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 4, 1], LONG))], {'labelSmoothing': 0.1})
    c.error('error/target-negative', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, -1, 1], LONG))])
    c.error('error/target-negative-not-ignore', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, -3, 1], LONG))], {'ignoreIndex': -1, 'reduction': 'none'})
    c.error('error/target-out-of-range/kdim', [Arg('input', e.randn(2, 3, 4), True), Arg('target', T([[0, 3, 1, 1], [0, 0, 0, 0]], LONG))], {'reduction': 'sum'})
    c.error('error/target-out-of-range/unbatched', [Arg('input', e.randn(4), True), Arg('target', T(-2, LONG))])
    c.error('error/float-index-target', [Arg('input', e.randn(3, 4), True), Arg('target', T([0.0, 1.0, 2.0]))], note='a float target of another shape than the input is neither class indices nor probabilities')
    c.error('error/int-probability-target', [Arg('input', e.randn(3, 4), True), Arg('target', I(e, 0, 2, 3, 4))], note="a target of the input's shape must be float probabilities")
    c.error('error/probs-with-ignore-index', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))], {'ignoreIndex': 1})
    c.error('error/probs-with-ignore-index-0', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))], {'ignoreIndex': 0})
    c.error('error/probs-shape-mismatch', [Arg('input', e.randn(2, 3, 4), True), Arg('target', e.uniform(2, 3, 5))])
    c.error('error/label-smoothing-above-1', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'labelSmoothing': 1.5})
    c.error('error/label-smoothing-above-1/probs', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))], {'labelSmoothing': 1.01})
    c.error('error/weight-wrong-length', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': e.uniform(3)})
    c.error('error/weight-wrong-length/probs', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))], {'weight': e.uniform(5)})
    c.error('error/weight-2d', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': e.uniform(1, 4)})
    c.error('error/weight-2d/probs', [Arg('input', e.randn(3, 4), True), Arg('target', e.uniform(3, 4))], {'weight': e.uniform(1, 4)})
    c.error('error/weight-int', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': T([1, 1, 1, 1], LONG)})
    c.error('error/batch-size-mismatch', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1], LONG))])
    c.error('error/multi-target', [Arg('input', e.randn(3, 4), True), Arg('target', T([[0], [1], [2]], LONG))])
    c.error('error/kdim-target-shape', [Arg('input', e.randn(2, 3, 4), True), Arg('target', I(e, 0, 3, 2, 5))])
    c.error('error/unbatched-1d-target', [Arg('input', e.randn(4), True), Arg('target', T([1], LONG))])
    c.error('error/0d-input/int-target', [Arg('input', e.randn(), True), Arg('target', T(0, LONG))])
    c.error('error/0d-input/float-target', [Arg('input', e.randn(), True), Arg('target', T(0.5))])
    c.error('error/int-input', [Arg('input', I(e, 0, 3, 3, 4)), Arg('target', T([0, 1, 2], LONG))])
    c.error('error/ignore-index-float', [Arg('input', e.randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'ignoreIndex': 0.5})
    c.bad_reduction(lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', T([0, 2], LONG))])


# --- CTC ---------------------------------------------------------------------------------------------------------


def _lengths(v: Any) -> list[int]:
    if isinstance(v, torch.Tensor):
        return [int(x) for x in v.reshape(-1).tolist()]
    if isinstance(v, (list, tuple)):
        return [int(x) for x in v]
    return [int(v)]


def ctc_true_gradient(options: dict) -> Callable[..., Any]:
    """torch's ctc_loss, with the gradient made the true d loss / d log_probs.

    torch's backward reports the true gradient plus exp(log_probs) * g for
    t < input_length (a term that cancels through the log_softmax that
    normally produces log_probs). A zero-valued correction term, added to
    every sample whose loss is finite, takes it out.
    """
    blank = options.get('blank', 0)
    reduction = options.get('reduction', 'mean')
    zero_inf = options.get('zeroInfinity', False)

    def fn(lp, targets, il, tl):
        out = F.ctc_loss(lp, targets, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_inf)
        if not lp.requires_grad:
            return out
        lp3 = lp if lp.dim() == 3 else lp.unsqueeze(1)
        T_, N, _ = lp3.shape
        ils, tls = _lengths(il), _lengths(tl)
        with torch.no_grad():
            raw = F.ctc_loss(lp.detach(), targets, il, tl, blank=blank, reduction='none', zero_infinity=False).reshape(-1)
        finite = torch.isfinite(raw).to(lp.dtype)
        frames = (torch.arange(T_).unsqueeze(1) < torch.tensor(ils).unsqueeze(0)).to(lp.dtype).unsqueeze(2)
        base = lp3.detach()
        coef = torch.where(torch.isfinite(base), torch.exp(base), torch.zeros_like(base)) * frames
        diff = torch.where(torch.isfinite(base), lp3 - base, torch.zeros_like(base))
        corr = (coef * diff).sum(dim=(0, 2)) * finite  # value 0, gradient exp(lp) per sample
        if reduction == 'none':
            return out - corr.reshape(out.shape)
        if reduction == 'sum':
            return out - corr.sum()
        scale = torch.tensor([1.0 / max(n, 1) / N for n in tls], dtype=lp.dtype)
        return out - (corr * scale).sum()
    return fn


def ctc_lp(r: Rng, T_: int, N: int | None, C: int) -> torch.Tensor:
    shape = (T_, N, C) if N is not None else (T_, C)
    return torch.log_softmax(r.randn(*shape, scale=1.5), -1)


def ctc_labels(r: Rng, n: int, C: int, blank: int) -> list[int]:
    """n labels in [0, C) other than blank."""
    vals = r.randint(0, C - 1, n).tolist()
    return [v if v < blank else v + 1 for v in vals]


def gen_ctc(c: Cases) -> None:
    def case(cid, r, lp, targets, il, tl, opts, note=None, lengths='tensor'):
        args = [Arg('log_probs', lp, True), Arg('targets', targets)]
        if lengths == 'list':
            args += [il.tolist(), tl.tolist()]
        else:
            args += [Arg('input_lengths', il), Arg('target_lengths', tl)]
        c.value(cid, r, args, opts, note=note, fn=ctc_true_gradient(opts))

    def batch(r, T_, N, C, blank, in_lens, tg_lens, padded=True, width=None):
        lp = ctc_lp(r, T_, N, C)
        seqs = [ctc_labels(r, n, C, blank) for n in tg_lens]
        if padded:
            S = width if width is not None else max([1] + tg_lens)
            rows = [s + [blank if (len(s) + k) % 2 else (C - 1 if blank != C - 1 else 0) for k in range(S - len(s))] for s in seqs]
            targets = torch.tensor(rows, dtype=LONG).reshape(N, S)
        else:
            targets = torch.tensor([x for s in seqs for x in s], dtype=LONG)
        return lp, targets, torch.tensor(in_lens, dtype=LONG), torch.tensor(tg_lens, dtype=LONG)

    # Forms x reductions x blank.
    for blank_tag, blank in [('', 0), ('blank-last/', 4), ('blank-2/', 2)]:
        for form in ['padded', 'concatenated']:
            for red in REDS:
                cid = f'{blank_tag}{form}/{red}'
                r = c.rng(cid)
                lp, tg, il, tl = batch(r, 8, 3, 5, blank, [8, 7, 5], [3, 2, 4], padded=form == 'padded')
                opts = {'reduction': red}
                if blank:
                    opts['blank'] = blank
                case(cid, r, lp, tg, il, tl, opts)
    for red in REDS:
        cid = f'lengths-as-lists/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 6, 2, 4, 0, [6, 4], [2, 3])
        case(cid, r, lp, tg, il, tl, {'reduction': red}, note='input_lengths and target_lengths as plain lists of ints (torch takes tuples or lists too)', lengths='list')
        cid = f'lengths-as-lists/concatenated/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 6, 2, 4, 1, [5, 6], [1, 3], padded=False)
        case(cid, r, lp, tg, il, tl, {'reduction': red, 'blank': 1}, lengths='list')
        cid = f'repeated-labels/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 7, 2, 4)
        tg = T([[1, 1, 2, 2], [3, 3, 3, 0]], LONG)
        case(cid, r, lp, tg, T([7, 7], LONG), T([4, 3], LONG), {'reduction': red}, note='a repeated label needs a blank between its copies')
        cid = f'padded-wider-than-needed/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 6, 3, 4, 0, [6, 6, 3], [2, 1, 1], width=5)
        case(cid, r, lp, tg, il, tl, {'reduction': red}, note='padded targets wider than the longest target: the padding is never read')
        cid = f'short-inputs/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 8, 3, 5, 0, [3, 8, 5], [1, 4, 2])
        case(cid, r, lp, tg, il, tl, {'reduction': red}, note='frames at or beyond a sample\'s input length get no gradient')
        cid = f'empty-targets/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 5, 3, 4, 0, [5, 3, 4], [0, 2, 0])
        case(cid, r, lp, tg, il, tl, {'reduction': red}, note="an empty target: only the all-blank path; 'mean' divides its loss by max(0, 1)")
        cid = f'empty-targets/concatenated/{red}'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 5, 3, 4, 0, [5, 3, 4], [0, 2, 0], padded=False)
        case(cid, r, lp, tg, il, tl, {'reduction': red})
        cid = f'all-empty-targets/padded-width-0/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 4, 2, 3)
        case(cid, r, lp, torch.zeros(2, 0, dtype=LONG), T([4, 2], LONG), T([0, 0], LONG), {'reduction': red})
        cid = f'exact-fit/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 5, 2, 4)
        case(cid, r, lp, T([[1, 2, 3, 1, 2], [1, 1, 2, 0, 0]], LONG), T([5, 5], LONG), T([5, 3], LONG), {'reduction': red},
             note='as many labels as frames (and a repeat that just fits): a single alignment')
        cid = f'one-class-blank-only/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 4, 2, 1)
        case(cid, r, lp, torch.zeros(2, 0, dtype=LONG), T([4, 3], LONG), T([0, 0], LONG), {'reduction': red}, note='only the blank class: loss 0')
    # Impossible alignments.
    for zi in [False, True]:
        for red in REDS:
            ztag = 'zero-infinity' if zi else 'infinite'
            cid = f'{ztag}/impossible-sample/{red}'
            r = c.rng(cid)
            lp = ctc_lp(r, 4, 3, 4)
            tg = T([[1, 2, 0, 0], [1, 1, 1, 0], [1, 2, 3, 1]], LONG)
            opts = {'reduction': red}
            if zi:
                opts['zeroInfinity'] = True
            case(cid, r, lp, tg, T([4, 4, 3], LONG), T([2, 3, 4], LONG), opts,
                 note=('zeroInfinity replaces an infinite loss and its gradient by 0' if zi else
                       'a target that cannot fit its input is an infinite loss; its gradient is nan over the sample\'s input frames (torch\'s too)'))
            cid = f'{ztag}/unbatched-impossible/{red}'
            r = c.rng(cid)
            lp = ctc_lp(r, 3, None, 3)
            case(cid, r, lp, T([1, 1, 2], LONG), T(3, LONG), T(3, LONG), opts)
        cid = f'{"zero-infinity" if zi else "infinite"}/-inf-log-probs/sum'
        r = c.rng(cid)
        lp = ctc_lp(r, 5, 2, 3)
        lp[:, 0, 2] = -INF
        case(cid, r, lp, T([[2, 1], [1, 2]], LONG), T([5, 5], LONG), T([2, 2], LONG), {'reduction': 'sum', 'zeroInfinity': zi},
             note='label 2 has probability 0 throughout sample 0: an impossible alignment from the log-probabilities themselves')
    for zi in [False, True]:
        cid = f'zero-infinity-{zi}/all-possible/mean'
        r = c.rng(cid)
        lp, tg, il, tl = batch(r, 6, 2, 4, 0, [6, 5], [2, 2])
        case(cid, r, lp, tg, il, tl, {'reduction': 'mean', 'zeroInfinity': zi})
    # Unbatched (T, C) input.
    for red in REDS:
        cid = f'unbatched/1d-target/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 7, None, 5)
        case(cid, r, lp, torch.tensor(ctc_labels(r, 3, 5, 0), dtype=LONG), T(7, LONG), T(3, LONG), {'reduction': red},
             note='unbatched (T, C) log_probs: a 1-D target is one concatenated sequence, exactly target_length long; 0-d lengths; a 0-d loss')
        cid = f'unbatched/2d-target/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 6, None, 4)
        case(cid, r, lp, torch.tensor([ctc_labels(r, 2, 4, 1) + [0, 0]], dtype=LONG), T(5, LONG), T(2, LONG), {'reduction': red, 'blank': 1},
             note='unbatched log_probs with a padded (1, S) target')
        cid = f'unbatched/1-element-lengths/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 6, None, 4)
        case(cid, r, lp, torch.tensor(ctc_labels(r, 2, 4, 0), dtype=LONG), T([6], LONG), T([2], LONG), {'reduction': red}, note='1-element length tensors')
        cid = f'unbatched/lengths-as-lists/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 6, None, 4)
        case(cid, r, lp, torch.tensor(ctc_labels(r, 3, 4, 0), dtype=LONG), T([5], LONG), T([3], LONG), {'reduction': red}, lengths='list')
        cid = f'batch-of-1/0d-lengths/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 5, 1, 4)
        case(cid, r, lp, torch.tensor([ctc_labels(r, 2, 4, 0)], dtype=LONG), T(5, LONG), T(2, LONG), {'reduction': red}, note='(T, 1, C) input with 0-d lengths')
    for red in ['none', 'sum']:
        cid = f'float64-range-log-probs/{red}'
        r = c.rng(cid)
        lp = torch.log_softmax(r.randn(10, 2, 3, scale=4.0), -1)
        tg = T([[1, 2, 1, 2, 1], [2, 2, 1, 1, 0]], LONG)
        case(cid, r, lp, tg, T([10, 9], LONG), T([5, 4], LONG), {'reduction': red}, note='peaked log-probabilities and long alignments')
        cid = f'unnormalised-log-probs/{red}'
        r = c.rng(cid)
        lp = r.randn(5, 2, 3, scale=0.5) - 1.0
        case(cid, r, lp, T([[1, 2], [2, 0]], LONG), T([5, 4], LONG), T([2, 1], LONG), {'reduction': red},
             note='log_probs that are not a log_softmax: the stored gradient is the true one, which torch\'s own backward is not')
    # Errors.
    e = c.rng('errors')

    def lp3(T_=6, N=2, C=4):
        return Arg('log_probs', ctc_lp(e, T_, N, C), True)

    def L(*v):
        return Arg(None, T(list(v), LONG))

    def named(a, n):
        return Arg(n, a.value, a.grad)

    def err(cid, lp, tg, il, tl, opts=None, note=None):
        c.error(cid, [lp, named(tg, 'targets') if isinstance(tg, Arg) else tg, named(il, 'input_lengths') if isinstance(il, Arg) else il,
                      named(tl, 'target_lengths') if isinstance(tl, Arg) else tl], opts, note=note)
    err('error/input-length-above-T', lp3(), L(1, 2, 3, 1), L(7, 6), L(2, 2))
    err('error/target-length-above-width', lp3(), Arg('targets', T([[1, 2], [1, 3]], LONG)), L(6, 6), L(3, 2))
    err('error/concatenated-too-short', lp3(), Arg('targets', T([1, 2, 3], LONG)), L(6, 6), L(2, 2))
    err('error/concatenated-too-long', lp3(), Arg('targets', T([1, 2, 3, 1, 2], LONG)), L(6, 6), L(2, 2),
        note='concatenated targets must hold exactly sum(target_lengths) labels')
    err('error/unbatched-1d-target-longer', lp3(6, None, 4), Arg('targets', T([1, 2, 3], LONG)), Arg(None, T(6, LONG)), Arg(None, T(2, LONG)),
        note='an unbatched 1-D target is concatenated: exactly target_length labels')
    err('error/unbatched-2d-target-2-rows', lp3(6, None, 4), Arg('targets', T([[1, 2], [1, 2]], LONG)), Arg(None, T(6, LONG)), Arg(None, T(2, LONG)))
    err('error/padded-rows-mismatch', lp3(), Arg('targets', T([[1, 2], [1, 2], [3, 3]], LONG)), L(6, 6), L(2, 2))
    err('error/input-lengths-count', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6), L(2, 2))
    err('error/target-lengths-count', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2, 2))
    err('error/blank-out-of-range', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2), {'blank': 4})
    err('error/blank-negative', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2), {'blank': -1})
    err('error/blank-float', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2), {'blank': 0.5})
    err('error/zero-infinity-string', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2), {'zeroInfinity': 'yes'})
    err('error/log-probs-4d', Arg('log_probs', ctc_lp(e, 6, 2, 4).unsqueeze(3), True), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2))
    err('error/log-probs-1d', Arg('log_probs', torch.log_softmax(e.randn(6), 0), True), Arg('targets', T([1, 2], LONG)), L(6), L(2))
    err('error/targets-3d', lp3(), Arg('targets', T([[[1, 2]], [[1, 2]]], LONG)), L(6, 6), L(2, 2))
    err('error/float-lengths', lp3(), Arg('targets', T([[1, 2], [1, 2]], LONG)), Arg(None, T([6.0, 6.0])), L(2, 2))
    err('error/int-log-probs', Arg('log_probs', torch.zeros(6, 2, 4, dtype=LONG)), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(6, 6), L(2, 2))
    err('error/zero-frames', Arg('log_probs', torch.zeros(0, 2, 4), True), Arg('targets', T([[1, 2], [1, 2]], LONG)), L(0, 0), L(0, 1))
    c.bad_reduction(lambda r: [Arg('log_probs', ctc_lp(r, 4, 2, 3), True), Arg('targets', T([[1, 2], [1, 2]], LONG)), Arg('input_lengths', T([4, 4], LONG)),
                               Arg('target_lengths', T([2, 1], LONG))])


# --- PyTorch's own test inputs (common_nn.py's criterion tests, at their sizes or scaled down) --------------------


def suite(c: Cases, name: str, make: Callable[[Rng], tuple[list, dict]], reductions: Sequence[str] = REDS, note: str | None = None, fn=None) -> None:
    for red in reductions:
        cid = f'torch-suite/{name}/{red}'
        r = c.rng(cid)
        args, opts = make(r)
        opts = {**opts, 'reduction': red}
        c.value(cid, r, args, opts, note=note or "the input PyTorch's own criterion tests use (common_nn.py)", fn=fn(opts) if fn else None)


def sigmoid_probs(r: Rng, *shape: int) -> torch.Tensor:
    return torch.sigmoid(r.randn(*shape)).clamp(1e-2, 1 - 1e-2)


def torch_suite(c: Cases) -> None:
    loss = c.loss
    if loss in ('L1Loss', 'MSELoss', 'SmoothL1Loss', 'HuberLoss'):
        suite(c, '2x3x4', lambda r: ([Arg('input', r.randn(2, 3, 4), True), Arg('target', r.randn(2, 3, 4), True)], {}))
        suite(c, 'scalar', lambda r: ([Arg('input', r.randn(), True), Arg('target', r.randn(), True)], {}))
        if loss == 'SmoothL1Loss':
            suite(c, 'beta-0.5/5x10', lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', r.randn(5, 10), True)], {'beta': 0.5}))
        if loss == 'HuberLoss':
            suite(c, 'delta-0.5/5x10', lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', r.randn(5, 10), True)], {'delta': 0.5}))
    elif loss == 'NLLLoss':
        mk = lambda xs, C, **o: (lambda r: ([Arg('input', torch.log_softmax(r.randn(*xs), 1), True), Arg('target', class_target(r, C, target_shape(xs), ignore=o.get('ignoreIndex'), p_ignore=0.2) if 'ignoreIndex' in o else class_target(r, C, target_shape(xs)))],
                                            {**({'weight': r.uniform(C)} if o.get('weight') else {}), **({'ignoreIndex': o['ignoreIndex']} if 'ignoreIndex' in o else {})}))
        suite(c, '15x10', mk((15, 10), 10))
        suite(c, '15x10/weights', mk((15, 10), 10, weight=True))
        suite(c, '15x10/ignore-index-2', mk((15, 10), 10, ignoreIndex=2))
        suite(c, '15x10/weights/ignore-index-neg', mk((15, 10), 10, weight=True, ignoreIndex=-1))
        suite(c, '2d/2x3x5x5', mk((2, 3, 5, 5), 3))
        suite(c, '2d/2x3x5x5/weights/ignore-index-1', mk((2, 3, 5, 5), 3, weight=True, ignoreIndex=1))
        suite(c, 'nd/2x3x3x2x2', mk((2, 3, 3, 2, 2), 3, weight=True))
    elif loss == 'CrossEntropyLoss':
        idx = lambda xs, C, **o: (lambda r: ([Arg('input', r.randn(*xs), True), Arg('target', class_target(r, C, target_shape(xs), ignore=o.get('ignoreIndex'), p_ignore=0.2) if 'ignoreIndex' in o else class_target(r, C, target_shape(xs)))],
                                             {**({'weight': r.uniform(C)} if o.get('weight') else {}), **{k: v for k, v in o.items() if k != 'weight'}}))
        prob = lambda xs, C, **o: (lambda r: ([Arg('input', r.randn(*xs), True), Arg('target', torch.softmax(r.randn(*xs), 1), True)],
                                              {**({'weight': r.uniform(C)} if o.get('weight') else {}), **{k: v for k, v in o.items() if k != 'weight'}}))
        suite(c, '15x10', idx((15, 10), 10))
        suite(c, '2d/2x3x5x5/indices/smoothing/ignore-index-1', idx((2, 3, 5, 5), 3, labelSmoothing=0.15, ignoreIndex=1))
        suite(c, '2d/2x3x5x5/indices/smoothing/weight', idx((2, 3, 5, 5), 3, labelSmoothing=0.15, weight=True))
        suite(c, '2d/2x3x5x5/prob-target/smoothing/weight', prob((2, 3, 5, 5), 3, labelSmoothing=0.15, weight=True))
        suite(c, '3d/2x3x3x2x2/prob-target', prob((2, 3, 3, 2, 2), 3))
        suite(c, '3d/2x3x3x2x2/indices/smoothing/ignore-index-1/weight', idx((2, 3, 3, 2, 2), 3, labelSmoothing=0.3, ignoreIndex=1, weight=True))
    elif loss == 'KLDivLoss':
        for lt in [False, True]:
            def mk(r, lt=lt):
                t = torch.softmax(r.randn(10, 10), 1)
                return [Arg('input', torch.log_softmax(r.randn(10, 10), 1), True), Arg('target', t.log() if lt else t, True)], ({'logTarget': True} if lt else {})
            suite(c, f'10x10{"/log-target" if lt else ""}', mk, reductions=REDS + ['batchmean'])
        suite(c, 'scalar', lambda r: ([Arg('input', r.randn(), True), Arg('target', r.uniform(lo=0.1, hi=0.9), True)], {}), reductions=REDS + ['batchmean'])
    elif loss == 'BCELoss':
        suite(c, '15x10', lambda r: ([Arg('input', sigmoid_probs(r, 15, 10), True), Arg('target', (r.randn(15, 10) > 0).float(), True)], {}))
        suite(c, '15x10/weights', lambda r: ([Arg('input', sigmoid_probs(r, 15, 10), True), Arg('target', (r.randn(15, 10) > 0).float(), True)], {'weight': r.uniform(10)}))
        suite(c, 'scalar/weights', lambda r: ([Arg('input', sigmoid_probs(r), True), Arg('target', (r.randn() > 0).float(), True)], {'weight': r.uniform()}))
    elif loss == 'BCEWithLogitsLoss':
        suite(c, '15x10', lambda r: ([Arg('input', r.randn(15, 10), True), Arg('target', (r.randn(15, 10) > 0).float(), True)], {}))
        suite(c, '15x10/weights/pos-weight', lambda r: ([Arg('input', r.randn(15, 10), True), Arg('target', (r.randn(15, 10) > 0).float(), True)], {'weight': r.uniform(10), 'posWeight': r.uniform(10, lo=0.5, hi=3)}))
    elif loss == 'HingeEmbeddingLoss':
        suite(c, '10/margin-0.5', lambda r: ([Arg('input', r.uniform(10), True), Arg('target', (r.randn(10) > 0).float() * 2 - 1)], {'margin': 0.5}))
        suite(c, 'scalar', lambda r: ([Arg('input', r.uniform(), True), Arg('target', T(-1.0))], {}))
    elif loss == 'MultiLabelMarginLoss':
        suite(c, '5x10/labels-without-end', lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', (r.uniform(5, 10) * 10).floor().long())], {}),
              note='PyTorch\'s test target: every entry a label (no -1), with repeats, each counted')
        suite(c, '10/1d', lambda r: ([Arg('input', r.randn(10), True), Arg('target', (r.uniform(10) * 10).floor().long())], {}))
        suite(c, '5x10/index-neg', lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', torch.clamp(((r.uniform(5, 10) - 0.5) * 20).floor().long(), min=-1))], {}),
              note='PyTorch\'s index_neg test: -1 anywhere ends a row')
    elif loss == 'MultiMarginLoss':
        mk = lambda **o: (lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', (r.uniform(5) * 8).floor().long())], {**({'weight': r.uniform(10)} if o.pop('weight', False) else {}), **o}))
        suite(c, '5x10', mk())
        suite(c, '5x10/p2', mk(p=2))
        suite(c, '5x10/margin-0.5', mk(margin=0.5))
        suite(c, '5x10/weights', mk(weight=True))
        suite(c, '10/1d', lambda r: ([Arg('input', r.randn(10), True), Arg('target', (r.uniform() * 8).floor().long())], {}))
    elif loss == 'SoftMarginLoss':
        suite(c, '5x5', lambda r: ([Arg('input', r.randn(5, 5), True), Arg('target', r.randn(5, 5).sign())], {}))
    elif loss == 'CosineEmbeddingLoss':
        suite(c, '15x10/margin-0.7', lambda r: ([Arg('input1', r.randn(15, 10), True), Arg('input2', r.randn(15, 10), True), Arg('target', r.randn(15).sign())], {'margin': 0.7}))
    elif loss == 'MarginRankingLoss':
        suite(c, '50/margin-0.5', lambda r: ([Arg('input1', r.randn(50), True), Arg('input2', r.randn(50), True), Arg('target', r.randn(50).sign(), True)], {'margin': 0.5}))
    elif loss == 'MultiLabelSoftMarginLoss':
        suite(c, '5x10/weights', lambda r: ([Arg('input', r.randn(5, 10), True), Arg('target', (r.uniform(5, 10) * 2).floor(), True)], {'weight': r.uniform(10)}))
    elif loss == 'PoissonNLLLoss':
        suite(c, '2x3x4x5/full', lambda r: ([Arg('input', r.randn(2, 3, 4, 5).abs(), True), Arg('target', r.randn(2, 3, 4, 5).floor().abs() + 2, True)], {'full': True, 'logInput': False}))
        suite(c, '10x10', lambda r: ([Arg('input', r.randn(10, 10), True), Arg('target', (r.uniform(10, 10) * 5).floor(), True)], {}))
    elif loss == 'GaussianNLLLoss':
        suite(c, '10x5/var-10x1', lambda r: ([Arg('input', r.randn(10, 5), True), Arg('target', r.randn(10, 5), True), Arg('var', r.uniform(10, 1, lo=0.1, hi=1), True)], {}))
        suite(c, 'scalar', lambda r: ([Arg('input', r.randn(), True), Arg('target', r.randn(), True), Arg('var', r.uniform(lo=0.1, hi=1), True)], {}))
    elif loss in ('TripletMarginLoss', 'TripletMarginWithDistanceLoss'):
        trip = lambda **o: (lambda r: ([Arg('anchor', r.randn(5, 10), True), Arg('positive', r.randn(5, 10), True), Arg('negative', r.randn(5, 10), True)], o))
        if loss == 'TripletMarginLoss':
            suite(c, '5x10/swap/margin-1.5/p-1', trip(swap=True, margin=1.5, p=1.0))
        else:
            suite(c, '5x10/cosine/swap/margin-0.5', trip(distanceFunction='cosine', swap=True, margin=0.5))
    elif loss == 'CTCLoss':
        def mk(r, lengths_as='tensor', concat=False):
            T_, N, C, S = 20, 3, 5, 8
            lp = torch.log_softmax(r.randn(T_, N, C), 2)
            tl = [8, 6, 4]
            tg = I(r, 1, C, N, S)
            if concat:
                tg = torch.cat([tg[i, :tl[i]] for i in range(N)])
            il = [20, 18, 15]
            if lengths_as == 'list':
                return [Arg('log_probs', lp, True), Arg('targets', tg), il, tl], {}
            return [Arg('log_probs', lp, True), Arg('targets', tg), Arg('input_lengths', T(il, LONG)), Arg('target_lengths', T(tl, LONG))], {}
        suite(c, 'lengths-intlists', lambda r: mk(r, 'list'), fn=ctc_true_gradient)
        suite(c, 'lengths-tensors', mk, fn=ctc_true_gradient)
        suite(c, '1d-target/lengths-tensors', lambda r: mk(r, concat=True), fn=ctc_true_gradient)


# --- the dtype x rank matrix: each arg float, integer or bool, at each rank form; torch decides --------------------
#
# Every loss is called with each of its args in turn made integer or bool (and all of them at once), at the batched,
# unbatched, 0-d and empty forms of its shapes, with every reduction. Whatever torch 1.13 accepts becomes a value case
# (gradients where torch gives them), whatever it rejects an error case: which dtypes it promotes, which ranks it takes
# and what it refuses are then all pinned down without listing them by hand.

MATRIX_FLOAT: dict[str, Callable[..., torch.Tensor]] = {
    'real': lambda r, s: r.randn(*s),
    'prob': lambda r, s: probs(r, *s),
    'sign': lambda r, s: signs(r, *s),
    'count': lambda r, s: counts(r, *s),
    'pos': lambda r, s: r.uniform(*s, lo=0.2, hi=2.0),
    'logp': lambda r, s: r.uniform(*s, lo=-3.0, hi=-0.05),
}
MATRIX_INT: dict[str, Callable[..., torch.Tensor]] = {
    'real': lambda r, s: I(r, -3, 4, *s),
    'prob': lambda r, s: I(r, 0, 2, *s),
    'sign': lambda r, s: signs(r, *s, dtype=LONG),
    'count': lambda r, s: I(r, 0, 6, *s),
    'pos': lambda r, s: I(r, 1, 4, *s),
    'logp': lambda r, s: I(r, -3, 1, *s),
}


def matrix_labels(r: Rng, shape: Sequence[int]) -> torch.Tensor:
    """MultiLabelMargin targets of the input's shape: labels, then -1."""
    if len(shape) == 0:
        return T(0, LONG)
    if len(shape) == 1:
        return label_rows(r, 1, shape[0])[0]
    if shape[0] == 0:
        return torch.zeros(*shape, dtype=LONG)
    return label_rows(r, shape[0], shape[1])


def matrix_tensor(r: Rng, role: str, shape: Sequence[int], dtype: str) -> torch.Tensor:
    """A value of the arg's role: 'real', 'prob', ... (floats by default), 'cls:C' and 'labels' (integers by default)."""
    if role.startswith('cls:'):
        t = I(r, 0, int(role[4:]), *shape)
    elif role == 'labels':
        t = matrix_labels(r, shape)
    elif dtype == 'int':
        return MATRIX_INT[role](r, shape)
    elif dtype == 'bool':
        return r.bernoulli(*shape)
    else:
        return MATRIX_FLOAT[role](r, shape)
    if dtype == 'float':
        return t.float()
    if dtype == 'bool':
        return t > 0
    return t


def is_index_role(role: str) -> bool:
    return role.startswith('cls:') or role == 'labels'


# loss -> (args as (name, role, requires grad when float), forms as (tag, one shape per arg), options)
MATRIX: dict[str, tuple[list[tuple[str, str, bool]], list[tuple[str, list[tuple]]], dict]] = {}


def _elementwise(target_role: str, input_role: str = 'real', target_grad: bool = True):
    return ([('input', input_role, True), ('target', target_role, target_grad)],
            [('2x3', [(2, 3), (2, 3)]), ('0d', [(), ()]), ('empty', [(0, 3), (0, 3)])], {})


MATRIX.update({
    'L1Loss': _elementwise('real'),
    'MSELoss': _elementwise('real'),
    'HuberLoss': _elementwise('real'),
    'SmoothL1Loss': _elementwise('real'),
    'PoissonNLLLoss': _elementwise('count'),
    'KLDivLoss': _elementwise('prob', 'logp'),
    'BCELoss': _elementwise('prob', 'prob'),
    'BCEWithLogitsLoss': _elementwise('prob'),
    'SoftMarginLoss': _elementwise('sign', target_grad=False),
    'HingeEmbeddingLoss': _elementwise('sign', target_grad=False),
    'MultiLabelSoftMarginLoss': ([('input', 'real', True), ('target', 'prob', True)],
                                 [('2x3', [(2, 3), (2, 3)]), ('unbatched', [(4,), (4,)]), ('0d', [(), ()]), ('empty', [(0, 3), (0, 3)])], {}),
    'GaussianNLLLoss': ([('input', 'real', True), ('target', 'real', True), ('var', 'pos', True)],
                        [('2x3', [(2, 3), (2, 3), (2, 3)]), ('2x3/var-2', [(2, 3), (2, 3), (2,)]), ('0d', [(), (), ()]), ('empty', [(0, 3), (0, 3), (0, 3)])], {}),
    'MarginRankingLoss': ([('input1', 'real', True), ('input2', 'real', True), ('target', 'sign', True)],
                          [('4', [(4,), (4,), (4,)]), ('0d', [(), (), ()]), ('empty', [(0,), (0,), (0,)])], {}),
    'CosineEmbeddingLoss': ([('input1', 'real', True), ('input2', 'real', True), ('target', 'sign', False)],
                            [('3x4', [(3, 4), (3, 4), (3,)]), ('unbatched', [(4,), (4,), ()]), ('0d', [(), (), ()]), ('empty', [(0, 4), (0, 4), (0,)])], {}),
    'TripletMarginLoss': ([('anchor', 'real', True), ('positive', 'real', True), ('negative', 'real', True)],
                          [('3x4', [(3, 4)] * 3), ('unbatched', [(4,)] * 3), ('0d', [()] * 3), ('empty', [(0, 4)] * 3)], {}),
    'TripletMarginWithDistanceLoss': ([('anchor', 'real', True), ('positive', 'real', True), ('negative', 'real', True)],
                                      [('3x4', [(3, 4)] * 3), ('unbatched', [(4,)] * 3), ('0d', [()] * 3), ('empty', [(0, 4)] * 3)], {}),
    'MultiMarginLoss': ([('input', 'real', True), ('target', 'cls:4', False)],
                        [('3x4', [(3, 4), (3,)]), ('unbatched', [(4,), ()]), ('0d', [(), ()]), ('empty', [(0, 4), (0,)])], {}),
    'MultiLabelMarginLoss': ([('input', 'real', True), ('target', 'labels', False)],
                             [('3x4', [(3, 4), (3, 4)]), ('unbatched', [(4,), (4,)]), ('0d', [(), ()]), ('empty', [(0, 4), (0, 4)])], {}),
    'NLLLoss': ([('input', 'logp', True), ('target', 'cls:4', False)],
                [('3x4', [(3, 4), (3,)]), ('unbatched', [(4,), ()]), ('kdim', [(2, 4, 2), (2, 2)]), ('empty', [(0, 4), (0,)])], {}),
    'CrossEntropyLoss': ([('input', 'real', True), ('target', 'cls:4', False)],
                         [('3x4', [(3, 4), (3,)]), ('unbatched', [(4,), ()]), ('kdim', [(2, 4, 2), (2, 2)]), ('empty', [(0, 4), (0,)])], {}),
})
# Option sets also run over the first form (torch's formula, and so what it promotes or refuses, depends on them).
MATRIX_OPTIONS: dict[str, list[tuple[str, dict]]] = {
    # With full, torch's target gradient is nan at a target of 0 (0 * log 0): only the input gradient is checked there.
    'PoissonNLLLoss': [('rate-input', {'logInput': False}), ('full', {'full': True, '_no_grad': ['target']}),
                       ('rate-input/full', {'logInput': False, 'full': True, '_no_grad': ['target']})],
    'HingeEmbeddingLoss': [('margin-1.7', {'margin': 1.7}), ('margin--1.5', {'margin': -1.5}), ('margin-0.5', {'margin': 0.5})],
    'GaussianNLLLoss': [('full', {'full': True})],
    'SmoothL1Loss': [('beta-0', {'beta': 0.0})],
    'TripletMarginLoss': [('swap/p1', {'swap': True, 'p': 1.0})],
    'TripletMarginWithDistanceLoss': [('swap', {'swap': True})],
    'MultiMarginLoss': [('p2/margin-0.5', {'p': 2, 'margin': 0.5})],
    'CrossEntropyLoss': [('label-smoothing-0.2', {'labelSmoothing': 0.2})],
    'NLLLoss': [('ignore-index-1', {'ignoreIndex': 1})],
}
# Forms left out: torch 1.13 skips its dtype checks for an empty batch of these (an empty float or bool target of
# NLL/CrossEntropy is accepted for 'mean' and 'sum', an integer input of MultiMargin/MultiLabelMargin for 'none'),
# and their 'mean' and 'sum' of an empty batch read uninitialised memory. Tensile checks dtypes whatever the size;
# empty batches of the right dtypes are cases of their own.
MATRIX_SKIP_FORMS = {('NLLLoss', 'empty'), ('CrossEntropyLoss', 'empty'), ('MultiMarginLoss', 'empty'), ('MultiLabelMarginLoss', 'empty')}


def _forward_only(loss: str, options: dict, args: list) -> Exception | None:
    """What torch says when it is called on these args (float64 copies), without backward: None if it accepts them."""
    real = [_error_value(a) for a in args]
    real = [t.double() if isinstance(t, torch.Tensor) and t.dtype.is_floating_point else t for t in real]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            build(loss, options, torch.float64)(*real)
    except Exception as e:  # noqa: BLE001 - torch's refusal is the answer
        return e
    return None


def matrix(c: Cases) -> None:
    if c.loss not in MATRIX:
        return
    spec, forms, base_opts = MATRIX[c.loss]
    reds = REDS + (['batchmean'] if c.loss == 'KLDivLoss' else [])
    if c.loss == 'TripletMarginWithDistanceLoss':
        base_opts = {**base_opts, 'distanceFunction': 'pairwise'}
    default = ['int' if is_index_role(role) else 'float' for _, role, _ in spec]
    variants: list[tuple[str, list[str]]] = []
    for i, (name, role, _) in enumerate(spec):
        for dt in (['float', 'bool'] if is_index_role(role) else ['int', 'bool']):
            variants.append((f'{name}-{dt}', [dt if j == i else d for j, d in enumerate(default)]))
    if len(spec) > 1:
        variants.append(('all-int', ['int'] * len(spec)))
        variants.append(('all-bool', ['bool'] * len(spec)))
    runs = [(ftag, shapes, '', {}) for ftag, shapes in forms if (c.loss, ftag) not in MATRIX_SKIP_FORMS]
    runs += [(forms[0][0], forms[0][1], otag + '/', o) for otag, o in MATRIX_OPTIONS.get(c.loss, [])]
    for ftag, shapes, otag, extra in runs:
        extra = dict(extra)
        no_grad = extra.pop('_no_grad', [])
        for vtag, dts in variants:
            for red in reds:
                cid = f'matrix/{otag}{ftag}/{vtag}/{red}'
                r = c.rng(cid)
                args = [Arg(name, matrix_tensor(r, role, shp, dt), grad and dt == 'float' and name not in no_grad)
                        for (name, role, grad), shp, dt in zip(spec, shapes, dts)]
                opts = {**base_opts, **extra, 'reduction': red}
                refused = _forward_only(c.loss, opts, args)
                note = f'args as {", ".join(f"{n} {d}" for (n, _, _), d in zip(spec, dts))}: torch ' + ('rejects this' if refused else 'accepts this')
                if refused is not None:
                    c.error(cid, args, opts, note=note)
                    continue
                try:
                    compute(call_loss(c.loss, opts), args, {}, torch.float64, None, r)
                except Exception:  # noqa: BLE001 - torch's backward refuses these dtypes: only the forward is a case
                    args = [Arg(a.name, a.value, False) for a in args]
                    note += "; torch 1.13's backward fails on it, so only the forward is checked"
                c.value(cid, c.rng(cid), args, opts, note=note)


# --- more edges: options torch takes unchecked, special values, CTC's target dtypes and empty batch ------------------


def extras(c: Cases) -> None:
    loss = c.loss

    def each(cid_base, reds, make, opts=None, note=None, fn=None):
        for red in reds:
            cid = f'{cid_base}/{red}'
            r = c.rng(cid)
            o = {**(opts or {}), 'reduction': red}
            c.value(cid, r, make(r), o, note=note, fn=fn(o) if fn else None)

    two = lambda r: [Arg('input', r.randn(2, 4, scale=3.0), True), Arg('target', r.randn(2, 4), True)]
    if loss == 'HuberLoss':
        each('delta-inf', REDS, two, {'delta': INF}, note='an infinite delta: 0.5 d^2 everywhere (torch checks only delta > 0)')
    elif loss == 'SmoothL1Loss':
        each('beta-inf', REDS, two, {'beta': INF}, note='an infinite beta: 0.5 d^2 / beta = 0 everywhere, gradient 0')
    elif loss == 'PoissonNLLLoss':
        each('rate-input/eps-negative', ['none', 'sum'], lambda r: [Arg('input', T([0.5, 2.0, 1.5, 3.0]), True), Arg('target', T([1.0, 0.0, 2.0, 3.0]), True)],
             {'logInput': False, 'eps': -1.0}, note='eps is not checked: a negative one makes log(rate + eps) nan below 1 - eps')
    elif loss == 'GaussianNLLLoss':
        each('eps-0/zero-var', ['none', 'sum'], lambda r: [Arg('input', T([0.5, 1.0, -1.0]), True), Arg('target', T([0.5, 0.0, 1.0]), True), Arg('var', T([0.0, 0.0, 1.0]), True)],
             {'eps': 0.0}, note='eps 0 lets a zero var through: log 0 and d^2 / 0 (0 / 0 = nan where d == 0)')
        each('eps-negative', ['none', 'mean'], lambda r: [Arg('input', r.randn(2, 3), True), Arg('target', r.randn(2, 3), True), Arg('var', r.uniform(2, 3, lo=0.3, hi=1.5), True)],
             {'eps': -1.0}, note='eps is not checked: a negative one clamps nothing')
        each('full/special-values', ['none', 'sum'], lambda r: [Arg('input', T([NAN, INF, 1.0, 0.0]), True), Arg('target', T([0.0, 1.0, -INF, 0.0]), True), Arg('var', T([1.0, 2.0, 0.5, INF]), True)],
             {'full': True})
    elif loss == 'KLDivLoss':
        each('log-target/special-values', ['none', 'sum', 'batchmean'], lambda r: [Arg('input', T([[NAN, 0.0], [-INF, -1.0], [INF, -2.0]]), True), Arg('target', T([[-1.0, NAN], [-0.5, INF], [-1.0, -INF]]), True)],
             {'logTarget': True})
    elif loss == 'BCEWithLogitsLoss':
        each('pos-weight/special-values', ['none', 'sum'], lambda r: [Arg('input', T([[NAN, INF, -INF, 0.0], [1e4, -1e4, 3.0, -3.0]]), True), Arg('target', T([[1.0, 0.0, 1.0, 0.5], [0.0, 1.0, NAN, 1.0]]), True)],
             {'posWeight': T([2.0, 0.5, 3.0, 1.0])})
        each('pos-weight-special', ['none', 'sum'], lambda r: [Arg('input', r.randn(2, 4), True), Arg('target', probs(r, 2, 4), False)],
             {'posWeight': T([INF, 0.0, NAN, 1.0])}, note="posWeight inf, 0 and nan (not checked); torch's input gradient ((1 + (pw - 1) t) sigmoid(x) - pw t) g is nan at pw = inf")
        each('zero-input/pos-weight', ['none', 'mean'], lambda r: [Arg('input', torch.zeros(3, 2), True), Arg('target', binary(r, 3, 2), True)],
             {'posWeight': T([3.0, 0.25])}, note="PyTorch's test: the gradient at logit 0 with a positive weight")
    elif loss == 'MultiLabelSoftMarginLoss':
        each('special-values', ['none', 'sum'], lambda r: [Arg('input', T([[NAN, 0.0, 1.0], [INF, -INF, 2.0]]), True), Arg('target', T([[1.0, 0.0, 1.0], [1.0, 1.0, NAN]]), True)])
        each('weight-0d', REDS, lambda r: [Arg('input', r.randn(3, 4), True), Arg('target', binary(r, 3, 4), True)], {'weight': T(1.5)}, note='a 0-d weight broadcasts')
    elif loss == 'HingeEmbeddingLoss':
        each('margin-inf', ['none', 'sum'], lambda r: [Arg('input', r.uniform(4, lo=0, hi=2), True), Arg('target', T([1.0, -1.0, 1.0, -1.0]))], {'margin': INF})
    elif loss == 'CosineEmbeddingLoss':
        each('special-values', ['none', 'sum'], lambda r: [Arg('input1', T([[NAN, 1.0], [INF, 1.0], [1.0, 2.0]]), True), Arg('input2', T([[1.0, 1.0], [1.0, 0.0], [-INF, 1.0]]), True),
                                                           Arg('target', T([1.0, -1.0, 1.0]))])
        each('margin-above-1', ['none', 'mean'], lambda r: [Arg('input1', r.randn(3, 4), True), Arg('input2', r.randn(3, 4), True), Arg('target', T([1.0, -1.0, -1.0]))],
             {'margin': 1.5}, note='the margin is not range-checked')
    elif loss == 'TripletMarginLoss':
        trip = lambda r: [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(3, 4), True), Arg('negative', r.randn(3, 4), True)]
        each('eps-nan', ['none', 'sum'], trip, {'eps': NAN})
        each('eps-negative', ['none', 'mean'], trip, {'eps': -0.5, 'margin': 2.0})
    elif loss == 'TripletMarginWithDistanceLoss':
        trip = lambda r: [Arg('anchor', r.randn(3, 4), True), Arg('positive', r.randn(3, 4), True), Arg('negative', r.randn(3, 4), True)]
        for dist in ['pairwise', 'cosine']:
            each(f'{dist}/margin-0', REDS, trip, {'distanceFunction': dist, 'margin': 0.0}, note='torch 1.13 does not check the margin')
            each(f'{dist}/margin-negative', ['none', 'sum'], trip, {'distanceFunction': dist, 'margin': -0.5, 'swap': True})
            each(f'{dist}/margin-nan', ['none', 'sum'], trip, {'distanceFunction': dist, 'margin': NAN})
        for dist in ['pairwise']:
            each(f'{dist}/special-values', ['none', 'sum'], lambda r: [Arg('anchor', T([[NAN, 0.0], [INF, 1.0], [0.0, 1.0]]), True), Arg('positive', T([[0.0, 0.0], [1.0, 1.0], [0.0, INF]]), True),
                                                                     Arg('negative', T([[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]), True)], {'distanceFunction': dist})
    elif loss == 'MultiMarginLoss':
        c.error('error/weight-0d', [Arg('input', c.rng('w0').randn(3, 4), True), Arg('target', T([0, 1, 2], LONG))], {'weight': T(2.0)})
    elif loss == 'CrossEntropyLoss':
        each('probs/special-values', ['none', 'sum'], lambda r: [Arg('input', T([[NAN, 0.0, 1.0], [INF, 0.0, 1.0], [1.0, -INF, 0.0], [0.0, 1.0, 2.0]]), True),
                                                                 Arg('target', T([[0.2, 0.3, 0.5], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [NAN, 0.5, 0.5]]), True)],
             note='a -inf logit with target 0 contributes 0 * -inf = nan, as torch')
        each('probs/kdim/weight/label-smoothing', REDS, lambda r: [Arg('input', r.randn(2, 4, 3), True), Arg('target', torch.softmax(r.randn(2, 4, 3), 1), True)],
             {'weight': r_weight(c, 4), 'labelSmoothing': 0.1})
        each('index/kdim-unbatched-like', REDS, lambda r: [Arg('input', r.randn(1, 3, 2), True), Arg('target', I(r, 0, 3, 1, 2))], {'weight': T([0.5, 1.0, 2.0]), 'ignoreIndex': 2})
    elif loss == 'CTCLoss':
        ctc_extras(c)


def r_weight(c: Cases, n: int) -> torch.Tensor:
    return c.rng(f'weight-{n}').uniform(n, lo=0.3, hi=2.0)


def ctc_extras(c: Cases) -> None:
    def case(cid, r, lp, tg, il, tl, opts, note=None):
        c.value(cid, r, [Arg('log_probs', lp, True), Arg('targets', tg), Arg('input_lengths', il), Arg('target_lengths', tl)], opts, note=note, fn=ctc_true_gradient(opts))

    L = lambda *v: T(list(v), LONG)
    for red in REDS:
        cid = f'float-targets/padded/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 6, 2, 4), T([[1.0, 2.0, 3.0], [3.0, 3.0, 0.0]]), L(6, 5), L(3, 2), {'reduction': red},
             note='torch reads float targets as integer labels')
        cid = f'float-targets/fractional/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 6, 2, 4), T([[1.5, 2.75, 3.25], [3.9, 1.0, 0.5]]), L(6, 5), L(3, 2), {'reduction': red},
             note='float labels are truncated toward zero (1.5 is label 1)')
        cid = f'float-targets/concatenated/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 5, 2, 4), T([2.0, 1.0, 3.0]), L(5, 4), L(2, 1), {'reduction': red, 'blank': 0})
        cid = f'bool-targets/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 5, 2, 3), T([[True, True], [True, False]], torch.bool), L(5, 5), L(2, 1), {'reduction': red},
             note='bool targets are labels 0 and 1 (here blank is 0, so the labels read are all 1)')
        cid = f'empty-batch/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 4, 0, 3), torch.zeros(0, 2, dtype=LONG), torch.zeros(0, dtype=LONG), torch.zeros(0, dtype=LONG), {'reduction': red},
             note="no samples: 'none' is empty, 'mean' nan, 'sum' 0")
        cid = f'nan-log-probs/{red}'
        r = c.rng(cid)
        lp = ctc_lp(r, 5, 2, 4)
        lp[2, 0, 1] = NAN
        lp[1, 1, 3] = NAN
        case(cid, r, lp, T([[1, 2], [1, 2]], LONG), L(5, 5), L(2, 2), {'reduction': red},
             note='a nan log-probability of a label on the path makes that sample nan; one of a class no path uses (sample 1, class 3) changes nothing')
        cid = f'nan-log-probs/zero-infinity/{red}'
        r = c.rng(cid)
        case(cid, r, lp.clone(), T([[1, 2], [1, 2]], LONG), L(5, 5), L(2, 2), {'reduction': red, 'zeroInfinity': True}, note='zeroInfinity zeroes infinities only, not nan')
        cid = f'lengths-2d-tensors/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 5, 2, 4), T([[1, 2], [3, 1]], LONG), T([[5, 4]], LONG), T([[2, 1]], LONG), {'reduction': red},
             note='length tensors of any shape are read flat')
        cid = f'target-holds-blank/{red}'
        r = c.rng(cid)
        case(cid, r, ctc_lp(r, 6, 2, 4), T([[1, 0, 2], [0, 3, 0]], LONG), L(6, 6), L(3, 2), {'reduction': red},
             note='torch does not check that the labels avoid blank: a blank label is a label like any other')


# --- files ---------------------------------------------------------------------------------------------------------

LOSSES: dict[str, tuple[Callable[[Cases], None], list[str]]] = {
    'L1Loss': (gen_l1, []),
    'MSELoss': (gen_mse, []),
    'HuberLoss': (gen_huber, ['0.5 d^2 for |d| < delta, else delta (|d| - 0.5 delta); delta must be > 0']),
    'SmoothL1Loss': (gen_smooth_l1, ['0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta; beta 0 is exactly the L1 loss (with torch\'s gradient -1 for both input and target at d == 0)']),
    'PoissonNLLLoss': (gen_poisson, ['full adds the Stirling term t log t - t + 0.5 log(2 pi t) only where target > 1; with targets exactly 0 torch\'s target gradient is nan, so those cases check only the input gradient']),
    'GaussianNLLLoss': (gen_gaussian, ['var has the input\'s shape, or that without its last dim, or that with a last dim of 1; it is clamped to >= eps under no_grad (the gradient passes as if unclamped)']),
    'KLDivLoss': (gen_kldiv, ["'batchmean' divides the summed loss by input.size(0) (not for a 0-d input); with probability targets, a target of exactly 0 gives torch a nan target gradient, so those cases check only the input gradient"]),
    'BCELoss': (gen_bce, ['log terms are clamped to >= -100; the input gradient is g (p - t) / max(p (1 - p), 1e-12); the target gradient is g (log(1 - p) - log p)']),
    'BCEWithLogitsLoss': (gen_bce_logits, ['(1 - t) x + (1 + (posWeight - 1) t) softplus(-x), times weight; weight and posWeight broadcast to the input\'s shape']),
    'MultiLabelSoftMarginLoss': (gen_multilabel_soft_margin, ['the loss is summed over dim input.dim() - 1 and divided by input.size(-1), one value per sample']),
    'SoftMarginLoss': (gen_soft_margin, []),
    'MarginRankingLoss': (gen_margin_ranking, ['max(0, -y (x1 - x2) + margin); torch differentiates the target too, so its gradient is stored']),
    'HingeEmbeddingLoss': (gen_hinge, []),
    'CosineEmbeddingLoss': (gen_cosine_embedding, ['cos = sum(x1 x2) / sqrt((sum(x1^2) + 1e-12) (sum(x2^2) + 1e-12)) over the last dim']),
    'MultiMarginLoss': (gen_multi_margin, ['sum over i != y of w[y] max(0, margin - x[y] + x[i])^p / C; the gradient is 0 exactly at the hinge']),
    'MultiLabelMarginLoss': (gen_multilabel_margin, ['sum over labels j (up to the first -1) and non-labels i of max(0, 1 - (x[j] - x[i])) / C; the gradient is 0 exactly at the hinge']),
    'TripletMarginLoss': (gen_triplet, ['max(0, margin + |a - p + eps|_p - |a - n + eps|_p), the norm over the last dim; swap takes min(d(a, n), d(p, n))']),
    'TripletMarginWithDistanceLoss': (gen_triplet_distance, ["distanceFunction 'pairwise' is torch's default pairwise_distance(x, y) (p 2, eps 1e-6); 'cosine' is 1 - cosine_similarity(x, y, dim=-1) (eps 1e-8)"]),
    'NLLLoss': (gen_nll, ["'mean' divides by the total weight of the targets that are not ignored: nan when that is 0"]),
    'CrossEntropyLoss': (gen_cross_entropy, ["a target of the input's shape is class probabilities, anything else class indices", "'mean' with class indices divides by the total weight of the targets that are not ignored; with probabilities by numel / C"]),
    'CTCLoss': (gen_ctc, [
        'grads.log_probs is the true gradient d loss / d log_probs; torch\'s own CTC backward reports that plus exp(log_probs) * g for t < input_length, a term that cancels through the log_softmax that normally produces log_probs',
        'targets are padded (N, S) or concatenated (sum(target_lengths)); an unbatched (T, C) input takes a concatenated 1-D target or a (1, S) padded one; lengths are int32 tensors (0-d or 1-element for unbatched input) or plain lists',
        "reduction 'mean' divides each sample's loss by max(target_length, 1), then averages over the batch; an impossible alignment is an infinite loss with a nan gradient unless zeroInfinity",
    ]),
}


def generate(folder) -> int:
    n = 0
    problems = []
    for loss, (gen, notes) in LOSSES.items():
        c = Cases(loss)
        gen(c)
        torch_suite(c)
        matrix(c)
        extras(c)
        problems += c.problems
        if c.problems:
            continue
        write_cases(folder / f'{loss}.json', header('losses', loss, COMMON_NOTES + notes), c.cases)
        n += len(c.cases)
    if problems:
        raise GeneratorError(f'{len(problems)} case(s) refused:\n' + '\n'.join(problems))
    return n
