"""Core tensor ops: ops/<group>.json, torch.<op>(*args, **kwargs) (or torch.nn.functional's, or a Tensor method).

Cases are grouped by kind of op (elementwise, reduce, nn, shape, conv, index,
scan, creation, misc). Each op gets ordinary shapes, the edge shapes (0-d,
size-0 dims, size-1 broadcasting both ways, 3-d/4-d), its options, special
values (NaN, +-inf, -0, large magnitudes) with PyTorch's propagation rules,
subgradients at kinks, integer and bool inputs where both PyTorch and Tensile
take them, and the inputs PyTorch rejects.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
import torch.nn.functional as F

from .layers import rms_norm as rms_norm_ref
from .common import Arg, GeneratorError, Rng, _materialise, enc_value, expect_error, forward_case, header, write_cases

NOTES = [
    'args are the positional arguments of the call, in order: a tensor is {name, tensor, requiresGrad}, a list of tensors is {name, tensors, requiresGrad}, anything else is a plain JSON value',
    'kwargs are keyword arguments (camelCase); a special float is a string; a dtype is its golden name (float32, int32, bool)',
    'op is the torch function (torch.<op>), else torch.nn.functional.<op>, else the Tensor method of that name (in-place ops end in _, and are applied to a fresh copy of the input)',
    'grads maps each tensor arg name with requiresGrad to its gradient (a list for a tensor list)',
    'a case with error instead of output is bad input that torch rejects',
    'int32 tensors stand for PyTorch int64 tensors (indices, integer data); integer results are int64 in PyTorch and stored as int32',
]

nan = float('nan')
inf = float('inf')

# Values with every special case of an elementwise op: signed zeros, NaN, infinities, tiny and large magnitudes.
# None of them overflows float32 in any unary op or its gradient where float64 would not (the reference is float64).
SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 1e-10, -1e-10, 1e10, -1e10, nan, inf, -inf, 30.0, -30.0, 80.0, -80.0]


def T(data, dtype=torch.float32) -> torch.Tensor:
    """A float32 tensor from a (nested) list; values must be float32-exact or are rounded to float32 here."""
    return torch.tensor(data, dtype=dtype)


def I(data) -> torch.Tensor:  # noqa: E743 - int64 tensor, stored as int32
    return torch.tensor(data, dtype=torch.int64)


def B(data) -> torch.Tensor:
    return torch.tensor(data, dtype=torch.bool)


def camel(k: str) -> str:
    parts = k.split('_')
    return parts[0] + ''.join(p[:1].upper() + p[1:] for p in parts[1:])


def dtype_label(d: torch.dtype) -> str:
    if d == torch.bool:
        return 'bool'
    if d.is_floating_point:
        return 'float32'
    return 'int32'


def enc_kw(v: Any) -> Any:
    if isinstance(v, torch.dtype):
        return dtype_label(v)
    if isinstance(v, (list, tuple)):
        return [enc_kw(x) for x in v]
    return enc_value(v)


def shape_tag(shape) -> str:
    return 'x'.join(map(str, shape)) if len(shape) else 'scalar'


def torch_fn(op: str) -> Callable[..., Any]:
    if op.endswith('_') and not op.endswith('__'):
        # In-place: the generator hands every call fresh copies of its inputs.
        return lambda x, *a, **k: getattr(x, op)(*a, **k)
    # torch.max_pool2d and friends lack F's options (return_indices, ...): the pools are F's.
    for ns in ((F, torch) if 'pool' in op else (torch, F)):
        f = getattr(ns, op, None)
        if callable(f):
            return f
    m = getattr(torch.Tensor, op, None)
    if m is not None:
        return lambda x, *a, **k: getattr(x, op)(*a, **k)
    raise GeneratorError(f'no torch function {op}')


class Group:
    def __init__(self, name: str):
        self.name = name
        self.cases: list[dict] = []

    def _start(self, op: str, tag: str, kw: dict | None, note: str | None) -> tuple[dict, Rng]:
        cid = f'{op}/{tag}'
        rng = Rng(f'ops/{cid}')
        c: dict = {'id': cid, 'op': op}
        if note:
            c['note'] = note
        c['kwargs'] = {camel(k): enc_kw(v) for k, v in (kw or {}).items()}
        return c, rng

    def val(self, op: str, tag: str, build, kw: dict | None = None, *, fn: Callable[..., Any] | None = None, note: str | None = None,
            floor: tuple[float, float] | None = None, check_ints: bool = True, float_kw: Callable[[torch.dtype], dict] | None = None) -> None:
        """A value case: torch's output (float64 reference) and the gradients of every Arg with grad=True.

        float_kw, when given, supplies extra keyword arguments that depend on the pass's float dtype
        (creation ops: dtype=torch.float64 in the reference pass); they are not stored.
        """
        c, rng = self._start(op, tag, kw, note)
        args = build(rng) if callable(build) else build
        f = fn or torch_fn(op)
        kw = kw or {}
        if float_kw is None:
            call = lambda *a: f(*a, **kw)  # noqa: E731
        else:
            # Creation ops have no float input to follow: the dtype comes from which pass this is.
            state = {'n': 0}

            def call(*a):
                d = torch.float64 if state['n'] == 0 else torch.float32
                state['n'] += 1
                return f(*a, **kw, **float_kw(d))
        try:
            forward_case(c, call, args, rng=rng, floor=floor, check_ints=check_ints)
        except GeneratorError as e:
            raise GeneratorError(f'{self.name}: {c["id"]}: {e}') from e
        self.cases.append(c)

    def err(self, op: str, tag: str, build, kw: dict | None = None, *, fn: Callable[..., Any] | None = None, note: str | None = None) -> None:
        """An error case: torch must reject these arguments (else the generator stops)."""
        c, rng = self._start(op, tag, kw, note)
        args = build(rng) if callable(build) else build
        f = fn or torch_fn(op)
        kw = kw or {}
        c['args'] = [a.encode() if isinstance(a, Arg) else enc_value(a) for a in args]
        real = [_materialise(a.value, torch.float32, a.grad) if isinstance(a, Arg) else a for a in args]
        expect_error(c, lambda: f(*real, **kw))
        self.cases.append(c)


def A(name: str, t, grad: bool | None = None) -> Arg:
    """An Arg; float tensors require grad unless told otherwise."""
    if grad is None:
        grad = isinstance(t, torch.Tensor) and t.dtype.is_floating_point
    return Arg(name, t, grad)


# ======================================================================================
# elementwise
# ======================================================================================

# op -> (domain sampler, differentiable)
UNARY_FLOAT = {
    'exp': lambda r, s: r.randn(*s, scale=2.0),
    'log': lambda r, s: r.uniform(*s, lo=0.05, hi=5.0),
    'log1p': lambda r, s: r.uniform(*s, lo=-0.9, hi=4.0),
    'expm1': lambda r, s: r.randn(*s, scale=2.0),
    'sqrt': lambda r, s: r.uniform(*s, lo=0.05, hi=6.0),
    'rsqrt': lambda r, s: r.uniform(*s, lo=0.1, hi=6.0),
    'reciprocal': lambda r, s: r.uniform(*s, lo=0.2, hi=3.0) * r.sign(*s),
    'tanh': lambda r, s: r.randn(*s, scale=2.0),
    'sigmoid': lambda r, s: r.randn(*s, scale=3.0),
    'sin': lambda r, s: r.randn(*s, scale=3.0),
    'cos': lambda r, s: r.randn(*s, scale=3.0),
    'erf': lambda r, s: r.randn(*s, scale=1.5),
    'erfinv': lambda r, s: r.uniform(*s, lo=-0.99, hi=0.99),
    'sinh': lambda r, s: r.randn(*s, scale=3.0),
    'cosh': lambda r, s: r.randn(*s, scale=3.0),
    'asin': lambda r, s: r.uniform(*s, lo=-0.99, hi=0.99),
    'acos': lambda r, s: r.uniform(*s, lo=-0.99, hi=0.99),
    'atan': lambda r, s: r.randn(*s, scale=3.0),
    'lgamma': lambda r, s: r.uniform(*s, lo=0.1, hi=8.0),
    'digamma': lambda r, s: r.uniform(*s, lo=0.1, hi=8.0),
    'softplus': lambda r, s: r.randn(*s, scale=4.0),
}
UNARY_SAME = {
    'neg': lambda r, s: r.randn(*s),
    'abs': lambda r, s: r.randn(*s),
    'relu': lambda r, s: r.randn(*s),
    'sign': lambda r, s: r.randn(*s),
    'floor': lambda r, s: r.randn(*s, scale=3.0),
    'ceil': lambda r, s: r.randn(*s, scale=3.0),
    'round': lambda r, s: r.randn(*s, scale=3.0),
    'square': lambda r, s: r.randn(*s),
}


def unary_cases(g: Group) -> None:
    shapes = [(3, 4), (), (0, 3), (2, 3, 4), (1,), (2, 1, 3, 2)]
    for op, sampler in {**UNARY_FLOAT, **UNARY_SAME}.items():
        for s in shapes:
            g.val(op, shape_tag(s), lambda r, s=s, sampler=sampler: [A('input', sampler(r, s))])
        # Special values: torch's NaN/inf/-0 rules, and the gradient there.
        # (digamma's gradient, trigamma, is finite garbage at the negative integers in PyTorch: its poles get a case without gradients below.)
        g.val(op, 'specials', [A('input', T(SPECIALS), op != 'digamma')], note='NaN, +-inf, -0, tiny and huge inputs (and the gradient there)')
    # integer and bool inputs
    ints = I([[-3, 0, 2, 5], [7, -1, 1, -8]])
    for op in UNARY_FLOAT:
        if op == 'softplus':
            continue
        g.val(op, 'int', [A('input', ints.abs() + 1 if op in ('log', 'sqrt', 'rsqrt', 'reciprocal') else ints)], note='integer input computes in float32')
    g.val('sigmoid', 'bool', [A('input', B([True, False, True]))], note='bool input computes in float32')
    for op in ['neg', 'abs', 'relu', 'sign', 'floor', 'ceil', 'round', 'square']:
        g.val(op, 'int', [A('input', ints)], note='integer in, integer out')
    g.val('sign', 'bool', [A('input', B([True, False, True, False]))], note='sign of bool is the input itself (bool)')
    g.val('square', 'bool', [A('input', B([True, False, True]))], note='square of bool is an integer tensor (pow(x, 2)), not bool')
    for op in ['neg', 'abs', 'relu', 'floor', 'ceil', 'round']:
        g.err(op, 'bool', [A('input', B([True, False]))])
    # kinks and ties with exact values
    g.val('relu', 'kink-at-zero', [A('input', T([-1.0, -0.0, 0.0, 0.5, 2.0, -2.0]))], note='relu gradient is 0 at 0 (threshold_backward: x <= 0)')
    g.val('abs', 'kink-at-zero', [A('input', T([-1.0, -0.0, 0.0, 0.5, 2.0, -2.0]))], note='abs gradient is sign(x): 0 at 0')
    g.val('round', 'half-to-even', [A('input', T([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49999997, -0.49999997, 4.5, 1e7 + 1, -8388609.0]))], note='round half to even, as torch.round')
    g.val('floor', 'edges', [A('input', T([-0.5, -0.0, 0.0, 0.5, -1.0, 1.0, -1.5, 1.5, 1e8, -1e8]))])
    g.val('ceil', 'edges', [A('input', T([-0.5, -0.0, 0.0, 0.5, -1.0, 1.0, -1.5, 1.5, 1e8, -1e8]))], note='ceil(-0.5) is -0')
    g.val('sign', 'signed-zero', [A('input', T([-0.0, 0.0, nan, 1e-12, -1e-12, inf, -inf]))], note='sign(NaN) is 0 in PyTorch 1.13')
    g.val('log', 'domain', [A('input', T([0.0, -0.0, -1.0, 1.0, inf, -inf, nan, 1e-12]))])
    g.val('sqrt', 'domain', [A('input', T([0.0, -0.0, -1.0, 1.0, 4.0, inf, nan, 1e-12]))], note='sqrt(-0) is -0; its gradient at 0 is inf')
    g.val('rsqrt', 'domain', [A('input', T([0.0, -0.0, -1.0, 1.0, 4.0, inf, nan, 1e-12]))], note='rsqrt(-0) is -inf, rsqrt(+0) is +inf, rsqrt(inf) is 0')
    g.val('reciprocal', 'zeros', [A('input', T([0.0, -0.0, inf, -inf, nan, 1e-12, 2.0]))])
    g.val('log1p', 'domain', [A('input', T([-1.0, -2.0, 1e-10, -1e-10, 0.0, -0.0, inf, nan, 1e-12]))], note='log1p is accurate near 0; -1 gives -inf')
    g.val('expm1', 'tiny', [A('input', T([1e-10, -1e-10, 1e-12, 0.0, -0.0, 1e-5, -1e-5, 80.0, -100.0, inf, -inf]))], note='expm1 is accurate near 0')
    g.val('sigmoid', 'saturated', [A('input', T([-100.0, -50.0, -20.0, -10.0, 0.0, 10.0, 20.0, 50.0, 100.0, -1000.0, 1000.0]))], note='the gradient underflows to 0 in the tails, never NaN')
    g.val('tanh', 'saturated', [A('input', T([-100.0, -20.0, -10.0, -1e-8, 0.0, 1e-8, 10.0, 20.0, 100.0]))])
    g.val('exp', 'overflow', [A('input', T([88.0, 88.5, -103.0, -104.0, -200.0, -700.0, 1000.0]))], note='near the top of float32 (exp(88.5) ~ 2.7e38), underflow to 0 below ~-103.97, inf for 1000')
    g.val('erf', 'tails', [A('input', T([-6.0, -3.0, -1e-10, 0.0, 1e-10, 3.0, 6.0, inf, -inf]))])
    g.val('erfinv', 'domain', [A('input', T([-1.0, 1.0, 0.0, -0.0, 1.5, -2.0, nan, 0.9999999, -0.999, 1e-30, 0.5]))], note='NaN outside [-1, 1], +-inf at +-1 (and an infinite gradient there)')
    g.val('sin', 'large', [A('input', T([1e3, -1e3, 100.0, 3.14159265, -3.14159265, 1.5707964, 0.0, -0.0]))])
    # PyTorch's float32 sinh/cosh (and their gradients, times the upstream gradient) overflow near 88, so the cases stop at 85.
    g.val('sinh', 'large', [A('input', T([80.0, 85.0, -85.0, 1000.0, -1000.0, 1e-8, -1e-8, 0.5, -0.0]))])
    g.val('cosh', 'large', [A('input', T([80.0, 85.0, -85.0, 1000.0, -1000.0, 1e-8, 0.0, -0.0]))])
    for op in ['asin', 'acos']:
        g.val(op, 'domain', [A('input', T([-1.0, 1.0, 0.0, -0.0, 1.5, -2.0, nan, 0.9999999, -0.9999999, 1e-30, 0.5, inf]))], note='NaN outside [-1, 1], an infinite gradient at +-1')
    g.val('lgamma', 'poles', [A('input', T([0.0, -0.0, -1.0, -2.0, -3.0, -80.0, 1.0, 2.0, -1e10]))], note='+inf at 0 and the negative integers; the gradient (digamma) is -inf at +0, +inf at -0, NaN at the negative integers')
    g.val('lgamma', 'negative', [A('input', T([-0.5, -1.5, -2.5, -3.3, -100.5, -1e-8, 1e-8, -4.9, -0.999]))], note='negative non-integers by the reflection formula')
    g.val('lgamma', 'large', [A('input', T([1e7, 171.5, 1e30, 1e36, inf, -inf, nan, 1.4616321]))], note='large x (float32 overflows above ~4e36); +inf at +-inf')
    g.val('digamma', 'poles', [A('input', T([0.0, -0.0, -1.0, -2.0, -1e10, inf, -inf, nan, 1e-30, -1e-30]), False)], note='-inf at +0, +inf at -0, NaN at the negative integers and -inf')
    g.val('digamma', 'negative', [A('input', T([-0.5, -1.5, -2.5, -3.3, -100.5, -1e-3, -4.9, -0.999]))], note='negative non-integers by the reflection formula, and their gradient (trigamma)')
    g.val('digamma', 'large', [A('input', T([1e7, 1e30, 1e38, 3e38, 1.4616321, 1e-3, 0.5]))], note='near the positive root 1.4616 and large x')
    g.val('polygamma', 'n0', lambda r: [0, A('input', r.uniform(3, 4, lo=0.1, hi=8.0))], note='polygamma(0, x) is digamma')
    g.val('polygamma', 'n1', lambda r: [1, A('input', r.uniform(3, 4, lo=-3.9, hi=8.0), False)], note='trigamma (Tensile computes no gradient of it: that needs polygamma(2))')
    g.val('polygamma', 'n1-specials', [1, A('input', T([0.0, -0.0, -2.5, 1e30, inf, nan, 1e-3, 0.5, 1.0]), False)], note='+inf at 0, 0 at +inf')
    g.err('polygamma', 'negative-n', lambda r: [-1, A('input', r.uniform(3, lo=0.1, hi=8.0))])
    g.val('atan', 'large', [A('input', T([1e30, -1e30, 2.5, 0.4, 0.42, -0.0, 1e-30, 1e10]))])
    g.val('cos', 'large', [A('input', T([1e3, -1e3, 100.0, 3.14159265, -3.14159265, 1.5707964, 0.0, -0.0]))])
    # softplus options (F.softplus)
    for beta, th in [(2.0, 20.0), (0.5, 20.0), (1.0, 5.0), (3.0, 1.0)]:
        g.val('softplus', f'beta{beta:g}-threshold{th:g}', lambda r: [A('input', r.randn(3, 5, scale=4.0))], {'beta': beta, 'threshold': th})
    g.val('softplus', 'at-threshold', [A('input', T([19.0, 19.9999, 20.0, 20.0001, 21.0, -20.0, 40.0, -40.0, 0.0]))], note='linear above the threshold (beta * x > 20): x itself, gradient 1')
    g.val('softplus', 'beta2-at-threshold', [A('input', T([9.0, 10.0, 10.5, 11.0, -11.0]))], {'beta': 2.0}, note='the threshold compares beta * x')
    # bool-out
    for op in ['isnan', 'isinf']:
        g.val(op, 'specials', [A('input', T(SPECIALS))])
        g.val(op, 'empty', [A('input', torch.zeros(0, 2))])
        g.val(op, 'int', [A('input', ints)])
        g.val(op, 'scalar', [A('input', T(nan))])
    g.val('logical_not', 'float', [A('input', T([0.0, -0.0, 1.0, nan, -2.5, inf]), False)], note='nonzero (NaN included) is true')
    g.val('logical_not', 'bool', [A('input', B([[True, False], [False, False]]))])
    g.val('logical_not', 'int', [A('input', ints)])
    g.val('logical_not', 'empty', [A('input', torch.zeros(0, dtype=torch.bool))])


BINARY_DOMAIN = {
    'add': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
    'sub': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
    'mul': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
    'div': (lambda r, s: r.randn(*s), lambda r, s: r.uniform(*s, lo=0.3, hi=2.0) * r.sign(*s)),
    'pow': (lambda r, s: r.uniform(*s, lo=0.2, hi=2.5), lambda r, s: r.randn(*s, scale=1.5)),
    'maximum': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
    'minimum': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
    'remainder': (lambda r, s: r.randn(*s, scale=4.0), lambda r, s: r.uniform(*s, lo=0.5, hi=2.0) * r.sign(*s)),
    'atan2': (lambda r, s: r.randn(*s), lambda r, s: r.randn(*s)),
}
COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
LOGICAL = ['logical_and', 'logical_or', 'logical_xor']
BROADCASTS = [
    ((3, 4), (3, 4)),
    ((), ()),
    ((3, 1), (1, 4)),
    ((4,), (3, 4)),
    ((3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((0, 4), (4,)),
    ((0,), (1,)),
    ((2, 3, 1, 2), (3, 4, 1)),
    ((1,), (3, 1)),
]


def binary_cases(g: Group) -> None:
    for op, (sa, sb) in BINARY_DOMAIN.items():
        differentiable = op != 'remainder'
        for a, b in BROADCASTS:
            tag = f'{shape_tag(a)}-{shape_tag(b)}'
            g.val(op, tag, lambda r, a=a, b=b, sa=sa, sb=sb: [A('input', sa(r, a), differentiable), A('other', sb(r, b), differentiable)])
        # Python-number other
        scal = {'add': 2.5, 'sub': -1.5, 'mul': 3.0, 'div': 4.0, 'pow': 2.0, 'maximum': None, 'minimum': None, 'remainder': 1.5, 'atan2': None}[op]
        if scal is not None:
            g.val(op, 'scalar-other', lambda r, sa=sa: [A('input', sa(r, (3, 4)), differentiable), scal])
        g.err(op, 'shape-mismatch', lambda r, sa=sa, sb=sb: [A('input', sa(r, (3, 4))), A('other', sb(r, (2, 4)))])
        g.err(op, 'shape-mismatch-3d', lambda r, sa=sa, sb=sb: [A('input', sa(r, (2, 3, 4))), A('other', sb(r, (2, 2, 4)))])
    for op in ['add', 'sub']:
        g.val(op, 'alpha', lambda r: [A('input', r.randn(3, 4)), A('other', r.randn(3, 4))], {'alpha': 2.5})
        g.val(op, 'alpha-kw-broadcast', lambda r: [A('input', r.randn(2, 3)), A('other', r.randn(3))], {'alpha': -0.5})
        g.val(op, 'alpha-scalar-other', lambda r: [A('input', r.randn(2, 3)), 3.0], {'alpha': 2.0})
        g.val(op, 'int-alpha', [A('input', I([1, 2, 3])), A('other', I([4, 5, 6]))], {'alpha': 2})
    # integer and bool inputs, dtype promotion
    ia = I([[5, -7, 0, 3], [-2, 8, 1, -4]])
    ib = I([[3, 2, 4, -3], [5, -3, 1, 2]])
    fb = T([[0.5, -1.5, 2.0, 3.25], [-0.75, 1.0, 4.0, -2.0]])
    for op in ['add', 'sub', 'mul', 'maximum', 'minimum', 'remainder']:
        g.val(op, 'int-int', [A('input', ia), A('other', ib)], note='int64 in PyTorch: an integer result')
        g.val(op, 'int-float', [A('input', ia), A('other', fb, op != 'remainder')], note='int promotes to float32')
        g.val(op, 'float-int', [A('input', fb, op != 'remainder'), A('other', ib)])
    g.val('div', 'int-int', [A('input', ia), A('other', ib)], note='true division: int / int is float32')
    g.val('atan2', 'int-int', [A('input', ia), A('other', ib)], note='integer inputs compute in float32')
    g.val('atan2', 'quadrants', [A('input', T([1.0, 1.0, -1.0, -1.0, 0.0, -0.0, 0.0, -0.0, 3.0, -3.0])), A('other', T([1.0, -1.0, 1.0, -1.0, 2.0, 2.0, -2.0, -2.0, 0.0, -0.0]))], note='every quadrant and the signed zeros of C99 atan2')
    g.val('div', 'int-float', [A('input', ia), A('other', fb)])
    g.val('div', 'int-by-zero', [A('input', I([1, -1, 0, 3])), A('other', I([0, 0, 0, 2]))], note='true division of ints by 0: inf, -inf, NaN')
    g.val('pow', 'int-int', [A('input', I([2, -3, 0, 5, 1, -1])), A('other', I([3, 2, 0, 1, 7, 5]))], note='integer power, non-negative exponents')
    g.val('pow', 'int-scalar', [A('input', I([2, -3, 0, 5])), 2])
    g.val('pow', 'int-float-scalar', [A('input', I([1, 4, 9, 2])), 0.5], note='int tensor ** float scalar is float32')
    g.err('pow', 'int-negative-scalar', [A('input', I([2, 3])), -1], note='integers to negative integer powers are not allowed')
    g.val('mul', 'int-float-scalar', [A('input', ia), 2.5], note='int tensor * float scalar is float32')
    g.val('add', 'int-int-scalar', [A('input', ia), 3], note='int tensor + int scalar stays integer')
    g.val('add', 'bool-int', [A('input', B([True, False, True])), A('other', I([1, 2, 3]))], note='bool promotes to the integer type')
    g.val('mul', 'bool-float', [A('input', B([True, False, True])), A('other', T([1.5, 2.0, -3.0]))])
    g.val('add', 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))], note='bool + bool is bool (logical or) in PyTorch')
    g.val('mul', 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))], note='bool * bool is bool (logical and)')
    g.val('maximum', 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))])
    g.val('minimum', 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))])
    g.err('sub', 'bool-bool', [A('input', B([True, False])), A('other', B([True, True]))], note='subtraction of two bool tensors is not supported')
    g.val('div', 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))], note='true division of bools: float32, 1/0 is inf, 0/0 NaN')
    g.err('sub', 'float-bool', [A('input', T([1.5, 2.0])), A('other', B([True, False]))], note='subtraction with a bool tensor is not supported, whatever the other dtype')
    # special values: every pair
    sp = [0.0, -0.0, 1.0, -2.5, inf, -inf, nan]
    xa = T([a for a in sp for _ in sp])
    xb = T([b for _ in sp for b in sp])
    for op in ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'remainder', 'atan2']:
        g.val(op, 'specials', [A('input', xa, op != 'remainder'), A('other', xb, op != 'remainder')], note='every pair of 0, -0, 1, -2.5, inf, -inf, NaN (49 pairs): NaN propagates, inf - inf and 0 * inf are NaN, x / 0 is signed inf')
    for op in COMPARE:
        g.val(op, 'specials', [A('input', xa, False), A('other', xb, False)], note='NaN compares unequal to everything; -0 == 0')
    # ties: maximum/minimum split the gradient evenly
    g.val('maximum', 'ties', [A('input', T([1.0, 2.0, -1.0, 0.0, 3.0, -0.0])), A('other', T([1.0, 1.0, -1.0, -0.0, 4.0, 0.0]))], note='equal entries split the gradient evenly (0.5 each)')
    g.val('minimum', 'ties', [A('input', T([1.0, 2.0, -1.0, 0.0, 3.0, -0.0])), A('other', T([1.0, 1.0, -1.0, -0.0, 4.0, 0.0]))], note='equal entries split the gradient evenly (0.5 each)')
    g.val('maximum', 'ties-broadcast', [A('input', T([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])), A('other', T([2.0]))], note='ties with a broadcast operand: its half-gradients are summed')
    g.val('maximum', 'nan', [A('input', T([nan, 1.0, nan, -inf])), A('other', T([1.0, nan, nan, nan]))], note='NaN propagates from either side')
    g.val('minimum', 'nan', [A('input', T([nan, 1.0, nan, inf])), A('other', T([1.0, nan, nan, nan]))])
    g.val('remainder', 'signs', [A('input', T([5.0, -5.0, 5.0, -5.0, 0.0, -0.0, 7.5, -7.5, 1.0, 3.0])), A('other', T([3.0, 3.0, -3.0, -3.0, 2.0, 2.0, 2.0, 2.0, inf, -inf]))], note='the result has the sign of the divisor (Python modulo)')
    g.val('remainder', 'huge-quotient', [A('input', T([1e30, -3e20, 1e10, 7.5e12, 5.5, 1e-30]), False), A('other', T([1.5, 0.7, 3e-7, -0.1, 1e-30, 3e-38]), False)], note='fmod is exact even when the quotient is far past 2^24')
    g.val('remainder', 'int-signs', [A('input', I([5, -5, 5, -5, 0, 7, -7])), A('other', I([3, 3, -3, -3, 2, 7, 7]))])
    g.val('remainder', 'scalar-negative', lambda r: [A('input', r.randn(2, 4, scale=5.0), False), -1.5])
    g.val('div', 'zeros', [A('input', T([1.0, -1.0, 0.0, -0.0, 1.0, 0.0])), A('other', T([0.0, 0.0, 0.0, 0.0, -0.0, -0.0]))], note='signed infinities and NaN; the gradient wrt other is -g a / b^2')
    g.val('mul', 'zero-times-inf', [A('input', T([0.0, -0.0, inf, 2.0])), A('other', T([inf, inf, 0.0, -0.0]))])
    # comparisons
    for op in COMPARE:
        for a, b in [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((), (2, 3)), ((0, 2), (2,))]:
            g.val(op, f'{shape_tag(a)}-{shape_tag(b)}', lambda r, a=a, b=b: [A('input', torch.round(r.randn(*a, scale=2.0)), False), A('other', torch.round(r.randn(*b, scale=2.0)), False)], note='rounded values, so some entries are equal')
        g.val(op, 'scalar-other', lambda r: [A('input', torch.round(r.randn(3, 4, scale=2.0)), False), 0.0])
        g.val(op, 'int-float', [A('input', ia), A('other', fb, False)])
        g.val(op, 'int-int', [A('input', ia), A('other', ib)])
        g.val(op, 'bool-bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))])
        g.err(op, 'shape-mismatch', lambda r: [A('input', r.randn(2, 3), False), A('other', r.randn(3, 2), False)])
    g.val('eq', 'int-float-scalar', [A('input', I([1, 2, 3])), 2.0])
    g.val('lt', 'float-int', [A('input', T([2.5, 0.5, -0.5, 3.0])), A('other', I([3, 0, 0, 3]))], note='the int promotes to float before comparing')
    for op in LOGICAL:
        g.val(op, 'bool', [A('input', B([True, False, True, False])), A('other', B([True, True, False, False]))])
        g.val(op, 'float', [A('input', T([0.0, -0.0, 1.0, nan, 2.0, 0.0]), False), A('other', T([1.0, 0.0, 0.0, 0.0, -3.0, nan]), False)], note='nonzero (NaN included) is true')
        g.val(op, 'broadcast', [A('input', B([[True], [False]])), A('other', B([True, False, True]))])
        g.val(op, 'int-bool', [A('input', I([0, 2, -1, 0])), A('other', B([True, True, False, False]))])
        g.val(op, 'empty', [A('input', torch.zeros(0, 3, dtype=torch.bool)), A('other', torch.zeros(3, dtype=torch.bool))])
        g.err(op, 'shape-mismatch', [A('input', B([True, False])), A('other', B([True, False, True]))])


def pow_cases(g: Group) -> None:
    bases = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, inf, -inf, nan]
    exps = [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, inf, -inf, nan]
    # two halves of the table of C99 pow special cases (forward only: the gradient at these points is a mess of NaN in both)
    for part, bs in [('a', bases[:6]), ('b', bases[6:])]:
        xa = T([b for b in bs for _ in exps])
        xb = T([e for _ in bs for e in exps])
        g.val('pow', f'c99-specials-{part}', [A('input', xa, False), A('other', xb, False)], note="C99/IEEE pow: pow(x, +-0) = 1 even for NaN x, pow(1, y) = 1 even for NaN y, pow(-1, +-inf) = 1, pow(+-0, negative odd int) = +-inf, negative base to a non-integer is NaN, |x| < 1 to +inf is 0")
    for e in [2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 1.5, 0.0, 1.0, 4.0, 0.25, -3.0]:
        pos = e != int(e)
        g.val('pow', f'scalar-exponent-{e:g}', lambda r, pos=pos: [A('input', r.uniform(3, 4, lo=0.2, hi=2.0) if pos else r.randn(3, 4, scale=1.5)), e],
              note='gradient is exponent * x^(exponent - 1); 0 for exponent 0' if e == 0 else None)
    for base in [2.0, 0.5, -2.0, 0.0, 1.0, math.e]:
        g.val('pow', f'scalar-base-{base:g}', lambda r: [base, A('other', r.randn(3, 4) if base not in (0.0, -2.0) else torch.round(r.randn(3, 4, scale=2.0)))],
              note='scalar base: gradient is base^x log(base); 0 where base is 0 and the exponent >= 0' if base == 0 else None)
    g.val('pow', 'negative-base-int-exponent', [A('input', T([-2.0, -0.5, -3.0, -1.5])), A('other', T([2.0, 3.0, -1.0, 4.0]))], note='negative base, integer-valued float exponent: real result')
    g.val('pow', 'negative-base-fractional-exponent', [A('input', T([-2.0, -0.5])), A('other', T([0.5, 1.5]))], note='NaN, and NaN gradients')
    g.val('pow', 'zero-base-grad', [A('input', T([0.0, 0.0, 0.0, 0.0, 2.0])), A('other', T([2.0, 1.0, 0.0, 0.5, 0.0]))], note='d/dexponent is 0 where base is 0 and exponent >= 0; d/dbase is 0 where exponent is 0')
    g.val('pow', 'zero-base-negative-exponent', [A('input', T([0.0, -0.0, 0.0])), A('other', T([-1.0, -1.0, -2.0]))], note='inf with the sign rules of C99')
    g.val('pow', 'large', [A('input', T([10.0, 2.0, 0.1, 1e-10, 1e9]), False), A('other', T([38.0, 127.0, 40.0, 4.0, 4.0]), False)], note='float32 overflow/underflow at the edge of the range')
    g.val('pow', 'one-to-nan', [A('input', T([1.0, 1.0, nan, nan, -1.0, -1.0])), A('other', T([nan, inf, 0.0, -0.0, inf, -inf]), False)], note='pow(1, NaN) = 1, pow(NaN, 0) = 1, pow(-1, +-inf) = 1')


def where_clamp_cases(g: Group) -> None:
    for c_s, a_s, b_s in [((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (3, 4)), ((4,), (3, 4), ()), ((), (2, 3), (2, 3)), ((2, 1, 3), (4, 1), (3,)), ((0, 2), (2,), (0, 2))]:
        tag = '-'.join(shape_tag(s) for s in (c_s, a_s, b_s))
        g.val('where', tag, lambda r, c_s=c_s, a_s=a_s, b_s=b_s: [A('condition', r.bernoulli(*c_s)), A('input', r.randn(*a_s)), A('other', r.randn(*b_s))])
    g.val('where', 'scalar-other', lambda r: [A('condition', r.bernoulli(3, 4)), A('input', r.randn(3, 4)), 0.0])
    g.val('where', 'scalar-input', lambda r: [A('condition', r.bernoulli(3, 4)), -1.5, A('other', r.randn(3, 4))])
    g.val('where', 'nan-unselected', [A('condition', B([True, False, True])), A('input', T([1.0, nan, inf])), A('other', T([nan, 2.0, 0.0]))], note='the unselected side never leaks, its gradient is 0 there')
    g.val('where', 'int', [A('condition', B([True, False, True])), A('input', I([1, 2, 3])), A('other', I([-1, -2, -3]))])
    g.val('where', 'int-float', [A('condition', B([True, False, True])), A('input', I([1, 2, 3])), A('other', T([-1.5, -2.5, -3.5]))], note='promotes to float32')
    g.val('where', 'bool', [A('condition', B([True, False, True])), A('input', B([True, True, True])), A('other', B([False, False, False]))])
    g.err('where', 'float-condition', lambda r: [A('condition', r.randn(3), False), A('input', r.randn(3)), A('other', r.randn(3))])
    g.err('where', 'shape-mismatch', lambda r: [A('condition', r.bernoulli(3)), A('input', r.randn(4)), A('other', r.randn(3))])
    g.err('where', 'condition-shape-mismatch', lambda r: [A('condition', r.bernoulli(2, 3)), A('input', r.randn(3, 3)), A('other', r.randn(3, 3))])

    for s in [(3, 4), (), (0, 2), (2, 3, 4)]:
        g.val('clamp', f'both-{shape_tag(s)}', lambda r, s=s: [A('input', r.randn(*s, scale=2.0)), -0.5, 0.8])
    g.val('clamp', 'min-only', lambda r: [A('input', r.randn(3, 4, scale=2.0))], {'min': 0.1})
    g.val('clamp', 'max-only', lambda r: [A('input', r.randn(3, 4, scale=2.0))], {'max': -0.2})
    g.val('clamp', 'at-bounds', [A('input', T([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, -2.0]))], {'min': -0.5, 'max': 0.5}, note='the gradient passes at the bounds themselves (min <= x <= max), as torch.clamp')
    g.val('clamp', 'min-gt-max', lambda r: [A('input', r.randn(2, 4))], {'min': 1.0, 'max': -1.0}, note='min > max: every entry is max; no gradient reaches x')
    g.val('clamp', 'nan-input', [A('input', T([nan, 1.0, -3.0, inf, -inf]))], {'min': -1.0, 'max': 2.0}, note='NaN input stays NaN; its gradient is 0 there (min <= x <= max is false)')
    g.val('clamp', 'nan-bound', [A('input', T([0.5, 1.0, -3.0]), False)], {'min': -1.0, 'max': nan},
          note='a NaN bound makes every result NaN (PyTorch 1.13 ignores a NaN scalar bound when it is the only one; Tensile does not mirror that)')
    g.val('clamp', 'nan-tensor-bound', [A('input', T([0.5, 1.0, -3.0]), False), A('min', T([nan, 0.0, nan]), False)], note='a NaN tensor bound makes that result NaN')
    g.val('clamp', 'inf-bounds', lambda r: [A('input', r.randn(2, 3))], {'min': -inf, 'max': inf})
    g.val('clamp', 'tensor-bounds', lambda r: [A('input', r.randn(3, 4, scale=2.0)), A('min', r.randn(3, 1) - 1.0), A('max', r.randn(4) + 1.0)], note='tensor bounds broadcast; each bound gets the gradient where it was chosen')
    g.val('clamp', 'tensor-min-only', lambda r: [A('input', r.randn(2, 3)), A('min', r.randn(2, 3))])
    g.val('clamp', 'tensor-max-only', lambda r: [A('input', r.randn(2, 3)), None, A('max', r.randn(3))])
    g.val('clamp', 'tensor-bounds-ties', [A('input', T([0.0, 1.0, 2.0])), A('min', T([0.0, 0.0, 0.0])), A('max', T([2.0, 2.0, 2.0]))], note='at a tensor bound x gets the gradient, the bound does not')
    g.val('clamp', 'int', [A('input', I([-5, 0, 3, 9]))], {'min': -2, 'max': 4})
    g.val('clamp', 'int-float-bounds', [A('input', I([-5, 0, 3, 9]))], {'min': -2.5, 'max': 4.5}, note='an integer tensor with float bounds: the result is float32 in 1.13')
    g.err('clamp', 'no-bounds', lambda r: [A('input', r.randn(3))])
    g.err('add', 'int-float-alpha', [A('input', I([1, 2])), A('other', I([3, 4]))], {'alpha': 0.5}, note='a float alpha with integer tensors')
    g.err('clamp', 'tensor-bound-shape', lambda r: [A('input', r.randn(3, 4)), A('min', r.randn(3))])



# ======================================================================================
# reductions
# ======================================================================================

def reduce_cases(g: Group) -> None:
    samplers = {
        'sum': lambda r, s: r.randn(*s),
        'mean': lambda r, s: r.randn(*s),
        'prod': lambda r, s: r.uniform(*s, lo=0.5, hi=1.5) * r.sign(*s),
        'amax': lambda r, s: r.randn(*s),
        'amin': lambda r, s: r.randn(*s),
        'logsumexp': lambda r, s: r.randn(*s, scale=3.0),
    }
    # (shape, dim, keepdim) variants; None dim = all dims (where the op allows it)
    variants = [((3, 4), 1, False), ((3, 4), 0, True), ((3, 4), -1, False), ((2, 3, 4), (0, 2), False), ((2, 3, 4), (-1, -3), True),
                ((2, 3, 4), 1, True), ((5,), 0, False), ((), 0, False), ((), -1, True), ((2, 1, 3), 1, False), ((4, 3), (0, 1), False)]
    for op, smp in samplers.items():
        for shape, dim, kd in variants:
            if op == 'prod' and isinstance(dim, tuple):
                continue  # torch.prod takes a single dim
            tag = f'{shape_tag(shape)}-dim{dim if not isinstance(dim, tuple) else "_".join(map(str, dim))}{"-keepdim" if kd else ""}'
            g.val(op, tag, lambda r, shape=shape, smp=smp: [A('input', smp(r, shape))], {'dim': dim, 'keepdim': kd})
        if op != 'logsumexp':
            g.val(op, 'all-dims', lambda r, smp=smp: [A('input', smp(r, (3, 4)))])
            g.val(op, 'all-dims-3d', lambda r, smp=smp: [A('input', smp(r, (2, 3, 2)))])
            g.val(op, 'all-dims-scalar', lambda r, smp=smp: [A('input', smp(r, ()))])
        g.err(op, 'dim-out-of-range', lambda r, smp=smp: [A('input', smp(r, (3, 4)))], {'dim': 2})
        g.err(op, 'dim-out-of-range-negative', lambda r, smp=smp: [A('input', smp(r, (3, 4)))], {'dim': -3})
        g.err(op, 'scalar-dim-1', lambda r, smp=smp: [A('input', smp(r, ()))], {'dim': 1})
        if op != 'prod':
            g.err(op, 'repeated-dim', lambda r, smp=smp: [A('input', smp(r, (3, 4)))], {'dim': (1, -1)}, note='a dim given twice')
    # empty tensors: sum/prod/mean/logsumexp have identities (0, 1, NaN, -inf); amax/amin cannot reduce an empty dim
    for op in ['sum', 'prod', 'mean', 'logsumexp']:
        g.val(op, 'empty-dim', [A('input', torch.zeros(0, 3))], {'dim': 0}, note='reducing a size-0 dim gives the identity (sum 0, prod 1, mean NaN, logsumexp -inf)')
        g.val(op, 'empty-other-dim', [A('input', torch.zeros(0, 3))], {'dim': 1})
        g.val(op, 'empty-dim-keepdim', [A('input', torch.zeros(2, 0))], {'dim': 1, 'keepdim': True})
    for op in ['sum', 'prod', 'mean']:
        g.val(op, 'empty-all', [A('input', torch.zeros(0, 3))])
    for op in ['amax', 'amin']:
        g.err(op, 'empty-dim', [A('input', torch.zeros(0, 3))], {'dim': 0}, note='cannot reduce a size-0 dim without an identity')
        g.val(op, 'empty-other-dim', [A('input', torch.zeros(0, 3))], {'dim': 1})
    for op in ['max', 'min', 'argmax', 'argmin']:
        g.err(op, 'empty-all', [A('input', torch.zeros(0, 3))])
    g.err('max', 'empty-dim', [A('input', torch.zeros(0, 3))], {'dim': 0})
    g.err('argmax', 'empty-dim', [A('input', torch.zeros(0, 3))], {'dim': 0})
    # special values
    sp = T([[1.0, nan, 2.0, -1.0], [inf, 1.0, -inf, 0.0], [-inf, -inf, -inf, -inf], [inf, inf, 2.0, 3.0], [-0.0, 0.0, -0.0, 0.0]])
    for op in ['sum', 'mean', 'prod', 'amax', 'amin', 'logsumexp']:
        g.val(op, 'specials', [A('input', sp, False)], {'dim': 1}, note='NaN propagates; inf + -inf is NaN; logsumexp of all -inf is -inf and of +inf is +inf')
    g.val('logsumexp', 'int', [A('input', I([[3, -1, 7, 2], [0, 5, -2, 1]]))], {'dim': 1}, note='integer input computes in float32 (PyTorch 1.13)')
    g.val('logsumexp', 'bool', [A('input', B([[True, False, True], [False, False, False]]))], {'dim': 1}, note='bool input computes in float32')
    g.val('logsumexp', 'large', lambda r: [A('input', r.randn(3, 4, scale=1.0, shift=500.0))], {'dim': 1}, note='shifted by the max: no overflow at 500')
    g.val('logsumexp', 'very-negative', lambda r: [A('input', r.randn(2, 5, scale=1.0, shift=-500.0))], {'dim': -1})
    g.val('logsumexp', 'inf-grad', [A('input', T([[1.0, 2.0, -inf], [-inf, -inf, 0.0]]))], {'dim': 1}, note='the -inf entries get gradient 0')
    # ties: amax/amin split the gradient evenly, max/min with dim give it to the returned index
    ties = T([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, -5.0, -5.0, -1.0]])
    for op in ['amax', 'amin']:
        g.val(op, 'ties', [A('input', ties)], {'dim': 1}, note='ties split the gradient evenly')
        g.val(op, 'ties-all', [A('input', ties)], note='ties split the gradient evenly')
    for op in ['max', 'min']:
        g.val(op, 'ties-all', [A('input', ties)], note='full reduction: ties split the gradient evenly')
        g.val(op, 'ties-dim', [A('input', ties)], {'dim': 1}, note='(values, indices): the first extreme index, which gets the whole gradient')
    # max / min / argmax / argmin
    for op in ['max', 'min']:
        for shape, dim, kd in [((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), -1, False), ((2, 3, 4), 1, True), ((5,), 0, False), ((), 0, False)]:
            g.val(op, f'{shape_tag(shape)}-dim{dim}{"-keepdim" if kd else ""}', lambda r, shape=shape: [A('input', r.randn(*shape))], {'dim': dim, 'keepdim': kd})
        g.val(op, 'all', lambda r: [A('input', r.randn(3, 4))])
        g.val(op, 'scalar', lambda r: [A('input', r.randn())])
        g.val(op, 'nan', [A('input', T([[1.0, nan, 3.0], [2.0, 1.0, 0.0], [nan, nan, 1.0]]))], {'dim': 1}, note='NaN is the max and the min; its index is returned')
        g.val(op, 'nan-all', [A('input', T([1.0, nan, 3.0]), False)])
        g.val(op, 'int', [A('input', I([[3, -1, 7], [0, 0, -2]]))], {'dim': 1})
        g.val(op, 'int-all', [A('input', I([[3, -1, 7], [0, 0, -2]]))])
        g.val(op, 'bool', [A('input', B([[True, False], [False, False]]))], {'dim': 1})
        g.val(op, 'empty-other-dim', [A('input', torch.zeros(0, 3))], {'dim': 1})
        g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
    for op in ['argmax', 'argmin']:
        for shape, dim, kd in [((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), -1, False), ((2, 3, 4), None, False), ((5,), 0, False), ((), None, False), ((3, 4), None, True)]:
            kw = {'dim': dim, 'keepdim': kd} if dim is not None or kd else {}
            g.val(op, f'{shape_tag(shape)}-dim{dim}{"-keepdim" if kd else ""}', lambda r, shape=shape: [A('input', r.randn(*shape))], kw)
        g.val(op, 'ties', [A('input', ties)], {'dim': 1}, note='the first extreme index')
        g.val(op, 'ties-flat', [A('input', ties)], note='index into the flattened tensor; the first extreme')
        g.val(op, 'nan', [A('input', T([[1.0, nan, 3.0], [2.0, 1.0, 0.0]]))], {'dim': 1}, note='NaN wins')
        g.val(op, 'int', [A('input', I([[3, -1, 7], [0, 0, -2]]))], {'dim': 0})
        g.val(op, 'empty-other-dim', [A('input', torch.zeros(0, 3))], {'dim': 1})
        g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': -3})
    # integer and bool reductions
    ints = I([[3, -1, 7, 2], [0, 5, -2, 1]])
    bools = B([[True, False, True, True], [False, False, True, False]])
    for op in ['sum', 'prod', 'amax', 'amin']:
        g.val(op, 'int', [A('input', ints)], {'dim': 1}, note='integer in, integer out (int64 in PyTorch)')
        g.val(op, 'int-all', [A('input', ints)])
    g.val('sum', 'bool', [A('input', bools)], {'dim': 1}, note='the sum of bools is an integer count')
    g.val('sum', 'bool-all', [A('input', bools)])
    g.val('prod', 'bool', [A('input', bools)], {'dim': 0})
    g.val('amax', 'bool', [A('input', bools)], {'dim': 1}, note='bool stays bool')
    g.val('amin', 'bool', [A('input', bools)], {'dim': 1})
    g.err('mean', 'int', [A('input', ints)], {'dim': 1}, note='mean of an integer tensor needs a float dtype')
    g.err('mean', 'int-all', [A('input', ints)])
    # prod gradient with zeros
    g.val('prod', 'one-zero', [A('input', T([[2.0, 0.0, 3.0], [1.5, -2.0, 4.0]]))], {'dim': 1}, note='the gradient at the zero is the product of the others')
    g.val('prod', 'two-zeros', [A('input', T([[2.0, 0.0, 0.0, 3.0], [0.0, 1.0, 2.0, 3.0]]))], {'dim': 1}, note='two zeros: every gradient is 0')
    g.val('prod', 'zeros-all', [A('input', T([[2.0, 0.0], [3.0, 4.0]]))])
    g.val('sum', 'large-count', lambda r: [A('input', r.randn(4, 16))], {'dim': 1})
    g.val('mean', 'large-count', lambda r: [A('input', r.randn(2, 32, shift=100.0))], {'dim': 1}, note='a large common offset')
    # var / std
    for op in ['var', 'std']:
        for shape, dim, kd in [((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), (0, 2), False), ((2, 3, 4), -1, True), ((6,), 0, False)]:
            g.val(op, f'{shape_tag(shape)}-dim{dim if not isinstance(dim, tuple) else "_".join(map(str, dim))}{"-keepdim" if kd else ""}',
                  lambda r, shape=shape: [A('input', r.randn(*shape, scale=2.0))], {'dim': dim, 'keepdim': kd})
        g.val(op, 'all', lambda r: [A('input', r.randn(3, 4))])
        g.val(op, 'unbiased-false', lambda r: [A('input', r.randn(3, 4))], {'dim': 1, 'unbiased': False})
        g.val(op, 'all-unbiased-false', lambda r: [A('input', r.randn(3, 4))], {'unbiased': False})
        for corr in [0, 2]:
            g.val(op, f'correction{corr}', lambda r: [A('input', r.randn(3, 5))], {'dim': 1, 'correction': corr})
        g.val(op, 'single-element', lambda r: [A('input', r.randn(3, 1))], {'dim': 1}, note='one element with correction 1: 0 / 0 = NaN')
        g.val(op, 'single-element-biased', lambda r: [A('input', r.randn(3, 1))], {'dim': 1, 'unbiased': False})
        g.val(op, 'constant', [A('input', T([[2.0, 2.0, 2.0], [1.0, 3.0, 2.0]]))], {'dim': 1}, note='std of a constant line is 0 and its gradient NaN' if op == 'std' else None)
        g.val(op, 'scalar', [A('input', T(1.5))], {'unbiased': False})
        g.val(op, 'specials', [A('input', T([[1.0, nan, 2.0], [inf, 1.0, 2.0]]), False)], {'dim': 1})
        g.val(op, 'large-offset', lambda r: [A('input', r.randn(2, 8, shift=1000.0))], {'dim': 1}, note='two-pass: no cancellation at a large mean')
        g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
        g.err(op, 'int', [A('input', ints)], {'dim': 1}, note='needs a float tensor')
    # norm
    for p in [2, 1, 3, inf, -inf, 0, 0.5, 'fro']:
        g.val('norm', f'p{p}', lambda r: [A('input', r.randn(3, 4)), p], note='p=0 counts nonzeros' if p == 0 else None)
        if p != 'fro':
            g.val('norm', f'p{p}-dim', lambda r: [A('input', r.randn(3, 4)), p, 1])
    g.val('norm', 'dim-keepdim', lambda r: [A('input', r.randn(2, 3, 4)), 2, (1, 2), True])
    g.val('norm', 'zeros', [A('input', torch.zeros(2, 3)), 2, 1], note='the gradient of the 2-norm at 0 is 0 (PyTorch masks it)')
    g.val('norm', 'zero-row', [A('input', T([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0]])), 2, 1])
    g.val('norm', 'inf-ties', [A('input', T([[1.0, -3.0, 3.0], [2.0, 2.0, -1.0]])), inf, 1], note='the inf-norm gradient splits evenly among the tied maxima of |x|')
    g.val('norm', 'scalar', [A('input', T(-2.5)), 2])
    g.val('norm', 'empty', [A('input', torch.zeros(0, 3)), 2])
    # all / any
    for op in ['all', 'any']:
        g.val(op, 'bool-all', [A('input', bools)])
        g.val(op, 'bool-dim', [A('input', bools)], {'dim': 1})
        g.val(op, 'bool-dim0-keepdim', [A('input', bools)], {'dim': 0, 'keepdim': True})
        g.val(op, 'float', [A('input', T([[0.0, 1.0, nan], [-0.0, 0.0, 2.0]]), False)], {'dim': 1}, note='nonzero (NaN included) is true')
        g.val(op, 'int', [A('input', ints)], {'dim': 0})
        g.val(op, 'empty', [A('input', torch.zeros(0, dtype=torch.bool))], note='all of nothing is true, any is false')
        g.val(op, 'empty-dim', [A('input', torch.zeros(2, 0, dtype=torch.bool))], {'dim': 1})
        g.val(op, 'scalar', [A('input', B(True))])
        g.val(op, 'negative-dim', [A('input', B([[[True, False], [True, True]]]))], {'dim': -1})
        g.err(op, 'dim-out-of-range', [A('input', bools)], {'dim': 2})


def reduce() -> list[dict]:
    g = Group('reduce')
    reduce_cases(g)
    return g.cases


# ======================================================================================
# scans, sorting
# ======================================================================================

def scan() -> list[dict]:
    g = Group('scan')
    for op in ['cumsum', 'cumprod']:
        smp = (lambda r, s: r.randn(*s)) if op == 'cumsum' else (lambda r, s: r.uniform(*s, lo=0.5, hi=1.5) * r.sign(*s))
        for shape, dim in [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((5,), 0), ((), 0), ((), -1), ((0, 3), 0), ((0, 3), 1), ((1, 6), 1)]:
            g.val(op, f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape, smp=smp: [A('input', smp(r, shape))], {'dim': dim})
        g.val(op, 'specials', [A('input', T([[1.0, nan, 2.0, 3.0], [inf, 1.0, -inf, 2.0], [0.0, -0.0, 1.0, inf]]), False)], {'dim': 1})
        g.val(op, 'int', [A('input', I([[3, -1, 7, 2], [0, 5, -2, 1]]))], {'dim': 1}, note='integer in, integer out')
        g.val(op, 'bool', [A('input', B([[True, False, True], [True, True, False]]))], {'dim': 1}, note='bool counts as integer (int64 in PyTorch)')
        g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
        g.err(op, 'scalar-dim-out-of-range', lambda r: [A('input', r.randn())], {'dim': 1})
    g.val('cumprod', 'one-zero', [A('input', T([[2.0, 0.0, 3.0, 4.0], [1.5, -2.0, 0.5, 0.0]]))], {'dim': 1}, note='the gradient through a zero is not NaN')
    g.val('cumprod', 'two-zeros', [A('input', T([[2.0, 0.0, 3.0, 0.0, 5.0]]))], {'dim': 1})
    g.val('cumprod', 'zero-first', [A('input', T([[0.0, 2.0, 3.0], [0.0, 0.0, 1.0]]))], {'dim': 1})
    g.val('cumsum', 'long', lambda r: [A('input', r.randn(2, 32))], {'dim': 1})
    # sort / argsort
    for shape, dim in [((3, 5), -1), ((3, 5), 0), ((2, 3, 4), 1), ((6,), 0), ((), 0), ((0, 3), 1), ((0, 3), 0), ((1, 1), 1)]:
        for desc in [False, True]:
            g.val('sort', f'{shape_tag(shape)}-dim{dim}{"-desc" if desc else ""}', lambda r, shape=shape: [A('input', r.randn(*shape))], {'dim': dim, 'descending': desc})
            g.val('argsort', f'{shape_tag(shape)}-dim{dim}{"-desc" if desc else ""}', lambda r, shape=shape: [A('input', r.randn(*shape))], {'dim': dim, 'descending': desc})
    g.val('sort', 'default', lambda r: [A('input', r.randn(3, 4))])
    tie = T([[2.0, 1.0, 2.0, 1.0, 3.0, 2.0], [0.0, -0.0, 0.0, -1.0, -0.0, 5.0]])
    for desc in [False, True]:
        d = '-desc' if desc else ''
        g.val('sort', f'stable-ties{d}', [A('input', tie)], {'dim': 1, 'descending': desc, 'stable': True}, note='stable: equal values (and -0 == 0) keep their order, descending too')
        g.val('sort', f'nan{d}', [A('input', T([[1.0, nan, -inf, 3.0, nan, inf, 0.0]]))], {'dim': 1, 'descending': desc, 'stable': True}, note='NaN sorts as the largest value')
        g.val('argsort', f'nan{d}', [A('input', T([[1.0, nan, -inf, 3.0, inf]]))], {'dim': 1, 'descending': desc})
    g.val('sort', 'int', [A('input', I([[3, -1, 7, 2, -1], [0, 5, -2, 1, 5]]))], {'dim': 1, 'stable': True})
    g.val('sort', 'int-desc', [A('input', I([[3, -1, 7, 2, -1], [0, 5, -2, 1, 5]]))], {'dim': 1, 'descending': True, 'stable': True})
    g.val('sort', 'bool', [A('input', B([[True, False, True, False]]))], {'dim': 1, 'stable': True})
    g.err('sort', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
    g.err('argsort', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': -3})
    # topk
    for shape, k, dim in [((3, 5), 2, -1), ((3, 5), 1, 0), ((2, 3, 4), 3, 1), ((6,), 6, 0), ((6,), 0, 0), ((), 1, 0), ((4, 0), 0, 1), ((0, 4), 2, 1)]:
        for largest in [True, False]:
            g.val('topk', f'{shape_tag(shape)}-k{k}-dim{dim}{"" if largest else "-smallest"}', lambda r, shape=shape: [A('input', r.randn(*shape)), k], {'dim': dim, 'largest': largest})
    g.val('topk', 'default-dim', lambda r: [A('input', r.randn(3, 5)), 2])
    g.val('topk', 'nan', [A('input', T([[1.0, nan, -inf, 3.0, inf]])), 2], {'dim': 1}, note='NaN counts as the largest')
    g.val('topk', 'int', [A('input', I([[3, -1, 7, 2], [0, 5, -2, 1]])), 2], {'dim': 1})
    g.err('topk', 'bool', [A('input', B([[True, False, True]])), 1], {'dim': 1}, note='topk is not implemented for bool')
    g.err('topk', 'k-too-large', lambda r: [A('input', r.randn(3, 4)), 5], {'dim': 1})
    g.err('topk', 'k-negative', lambda r: [A('input', r.randn(3, 4)), -1], {'dim': 1})
    g.err('topk', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4)), 1], {'dim': 2})
    return g.cases


# ======================================================================================
# shape and view ops
# ======================================================================================

def shape() -> list[dict]:
    g = Group('shape')
    for src, dst in [((2, 3), (3, 2)), ((2, 3), (6,)), ((2, 3), (-1,)), ((2, 3, 4), (4, -1)), ((6,), (1, 2, 3, 1)), ((), (1,)), ((1,), ()),
                     ((0, 3), (3, 0)), ((0, 3), (-1, 3)), ((2, 0), (0,)), ((4,), (2, 2))]:
        for op in ['reshape', 'view']:
            g.val(op, f'{shape_tag(src)}-to-{shape_tag(dst)}', lambda r, src=src, dst=dst: [A('input', r.randn(*src)), list(dst)])
    for op in ['reshape', 'view']:
        g.err(op, 'bad-size', lambda r: [A('input', r.randn(2, 3)), [4, 2]])
        g.err(op, 'two-minus-one', lambda r: [A('input', r.randn(2, 3)), [-1, -1]])
        g.err(op, 'minus-one-not-divisible', lambda r: [A('input', r.randn(2, 3)), [-1, 4]])
        g.err(op, 'negative-size', lambda r: [A('input', r.randn(2, 3)), [-2, 3]])
        g.err(op, 'minus-one-empty', lambda r: [A('input', r.randn(0, 3)), [-1, 0]], note='-1 cannot be inferred next to a 0 size')
    for shape, d0, d1 in [((2, 3), 0, 1), ((2, 3, 4), 0, 2), ((2, 3, 4), -1, -2), ((2, 3), 1, 1), ((), 0, -1), ((0, 3), 0, 1), ((2, 3, 4, 1), 3, 0)]:
        g.val('transpose', f'{shape_tag(shape)}-{d0}-{d1}', lambda r, shape=shape: [A('input', r.randn(*shape)), d0, d1])
    g.err('transpose', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), 0, 2])
    g.err('transpose', 'scalar-dim-1', lambda r: [A('input', r.randn()), 0, 1])
    g.val('t', '2d', lambda r: [A('input', r.randn(2, 3))])
    g.val('t', '1d', lambda r: [A('input', r.randn(4))], note='t of a 1-d tensor is itself')
    g.val('t', 'scalar', lambda r: [A('input', r.randn())])
    g.err('t', '3d', lambda r: [A('input', r.randn(2, 3, 4))])
    for shape, dims in [((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (0, 1, 2)), ((2, 3, 4), (-1, 0, -2)), ((2, 3), (1, 0)), ((), ()), ((0, 2, 3), (2, 0, 1)), ((2, 1, 3, 2), (3, 1, 0, 2))]:
        g.val('permute', f'{shape_tag(shape)}-{"_".join(map(str, dims)) or "none"}', lambda r, shape=shape: [A('input', r.randn(*shape)), list(dims)])
    g.err('permute', 'repeated', lambda r: [A('input', r.randn(2, 3, 4)), [0, 0, 1]])
    g.err('permute', 'too-few', lambda r: [A('input', r.randn(2, 3, 4)), [0, 1]])
    g.err('permute', 'out-of-range', lambda r: [A('input', r.randn(2, 3)), [0, 2]])
    for shape, size in [((3, 1), (3, 4)), ((1,), (2, 3)), ((3, 1), (-1, 4)), ((), (2, 3)), ((2, 1, 3), (4, 2, 5, 3)), ((1, 3), (0, 3)), ((3,), (3,)), ((1, 1), (2, -1))]:
        g.val('expand', f'{shape_tag(shape)}-to-{shape_tag(size)}', lambda r, shape=shape: [A('input', r.randn(*shape)), list(size)], note='the gradient sums over the expanded dims')
    g.err('expand', 'non-singleton', lambda r: [A('input', r.randn(3, 2)), [3, 4]])
    g.err('expand', 'fewer-dims', lambda r: [A('input', r.randn(2, 3)), [3]])
    g.err('expand', 'minus-one-new-dim', lambda r: [A('input', r.randn(3)), [-1, 3]], note='-1 is not allowed for a new leading dim')
    g.val('expand_as', 'basic', lambda r: [A('input', r.randn(3, 1)), A('other', r.randn(3, 4), False)])
    # cat / stack
    for shapes, dim in [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 2)], 1), ([(2, 3, 2), (2, 1, 2)], -2), ([(3,), (2,)], 0), ([(2, 3)], 0), ([(0, 3), (2, 3)], 0), ([(2, 0), (2, 3)], 1), ([(1, 2), (1, 2), (1, 2), (1, 2)], -1)]:
        g.val('cat', f'{"_".join(shape_tag(s) for s in shapes)}-dim{dim}', (lambda r, shapes=shapes: [A('tensors', [r.randn(*s) for s in shapes])]), {'dim': dim})
    g.val('cat', 'int', [A('tensors', [I([1, 2]), I([3])])])
    g.val('cat', 'int-float', [A('tensors', [I([1, 2]), T([3.5])])], note='mixed dtypes promote (float32)')
    g.val('cat', 'legacy-empty-1d', lambda r: [A('tensors', [r.randn(2, 3), torch.zeros(0)])], note='a 1-d empty tensor is skipped whatever the other shapes (legacy)')
    g.err('cat', 'shape-mismatch', lambda r: [A('tensors', [r.randn(2, 3), r.randn(2, 4)])], {'dim': 0})
    g.err('cat', 'ndim-mismatch', lambda r: [A('tensors', [r.randn(2, 3), r.randn(3)])])
    g.err('cat', 'dim-out-of-range', lambda r: [A('tensors', [r.randn(2, 3), r.randn(2, 3)])], {'dim': 2})
    g.err('cat', 'empty-list', [A('tensors', [])])
    g.err('cat', 'scalar', lambda r: [A('tensors', [r.randn(), r.randn()])], note='zero-dimensional tensors cannot be concatenated')
    for shapes, dim in [([(2, 3), (2, 3)], 0), ([(2, 3), (2, 3), (2, 3)], 1), ([(2, 3), (2, 3)], 2), ([(2, 3), (2, 3)], -1), ([(), ()], 0), ([(0, 2), (0, 2)], 1), ([(4,)], 0)]:
        g.val('stack', f'{"_".join(shape_tag(s) for s in shapes)}-dim{dim}', (lambda r, shapes=shapes: [A('tensors', [r.randn(*s) for s in shapes])]), {'dim': dim})
    g.err('stack', 'shape-mismatch', lambda r: [A('tensors', [r.randn(2, 3), r.randn(3, 2)])])
    g.err('stack', 'dim-out-of-range', lambda r: [A('tensors', [r.randn(2, 3), r.randn(2, 3)])], {'dim': 3})
    g.err('stack', 'empty-list', [A('tensors', [])])
    # narrow / select / slice
    for shape, dim, start, length in [((4, 5), 0, 1, 2), ((4, 5), 1, 0, 5), ((4, 5), -1, 3, 2), ((4, 5), 1, -2, 2), ((4, 5), 0, 4, 0), ((2, 3, 4), 2, 1, 3), ((6,), 0, 2, 3)]:
        g.val('narrow', f'{shape_tag(shape)}-dim{dim}-{start}-{length}', lambda r, shape=shape: [A('input', r.randn(*shape)), dim, start, length])
    g.err('narrow', 'too-long', lambda r: [A('input', r.randn(4, 5)), 1, 3, 3])
    g.err('narrow', 'start-out-of-range', lambda r: [A('input', r.randn(4, 5)), 0, 5, 1])
    g.err('narrow', 'negative-length', lambda r: [A('input', r.randn(4, 5)), 0, 1, -1])
    g.err('narrow', 'scalar', lambda r: [A('input', r.randn()), 0, 0, 1])
    for shape, dim, index in [((3, 4), 0, 1), ((3, 4), 1, -1), ((2, 3, 4), 2, 0), ((5,), 0, 4), ((2, 3, 4), -2, 2)]:
        g.val('select', f'{shape_tag(shape)}-dim{dim}-{index}', lambda r, shape=shape: [A('input', r.randn(*shape)), dim, index])
    g.err('select', 'index-out-of-range', lambda r: [A('input', r.randn(3, 4)), 0, 3])
    g.err('select', 'negative-index-out-of-range', lambda r: [A('input', r.randn(3, 4)), 1, -5])
    g.err('select', 'scalar', lambda r: [A('input', r.randn()), 0, 0])

    def torch_slice(t, dim, start, end, step):
        return t[(slice(None),) * (dim % t.dim()) + (slice(start, end, step),)]
    for shape, dim, start, end, step in [((6, 3), 0, 1, 5, 2), ((6, 3), 0, None, None, 3), ((3, 7), 1, -5, -1, 1), ((3, 7), -1, 2, 100, 2), ((3, 7), 1, 5, 2, 1), ((3, 7), 1, -100, 3, 1), ((2, 3, 8), 2, 1, None, 3), ((8,), 0, 0, 8, 8)]:
        g.val('slice', f'{shape_tag(shape)}-dim{dim}-{start}-{end}-{step}', lambda r, shape=shape: [A('input', r.randn(*shape)), dim, start, end, step], fn=torch_slice,
              note='x[..., start:end:step] along dim; out-of-range bounds clamp, an empty range gives a size-0 dim')
    g.err('slice', 'step-zero', lambda r: [A('input', r.randn(4, 3)), 0, 0, 4, 0], fn=torch_slice)
    g.err('slice', 'negative-step', lambda r: [A('input', r.randn(4, 3)), 0, 3, 0, -1], fn=torch_slice, note='negative steps are not supported')
    # squeeze / unsqueeze / flatten / unflatten
    for shape, dim in [((2, 1, 3), 1), ((2, 1, 3), 0), ((1, 1, 3), None), ((2, 1, 3), -2), ((1,), 0), ((), 0), ((1, 0, 1), None), ((3, 1), -1)]:
        g.val('squeeze', f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape))] + ([] if dim is None else [dim]), note='a dim that is not size 1 is left alone' if dim == 0 and shape == (2, 1, 3) else None)
    g.err('squeeze', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 1)), 2])
    for shape, dim in [((2, 3), 0), ((2, 3), 2), ((2, 3), -1), ((2, 3), -3), ((), 0), ((), -1), ((0,), 1)]:
        g.val('unsqueeze', f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape)), dim])
    g.err('unsqueeze', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), 3])
    g.err('unsqueeze', 'dim-out-of-range-negative', lambda r: [A('input', r.randn(2, 3)), -4])
    for shape, kw in [((2, 3, 4), {}), ((2, 3, 4), {'start_dim': 1}), ((2, 3, 4), {'end_dim': 1}), ((2, 3, 4, 5), {'start_dim': 1, 'end_dim': -2}), ((), {}), ((3,), {}), ((2, 0, 3), {'start_dim': 1}), ((2, 3), {'start_dim': 1, 'end_dim': 1})]:
        g.val('flatten', f'{shape_tag(shape)}-{kw.get("start_dim", 0)}-{kw.get("end_dim", -1)}', lambda r, shape=shape: [A('input', r.randn(*shape))], kw)
    g.err('flatten', 'start-after-end', lambda r: [A('input', r.randn(2, 3, 4))], {'start_dim': 2, 'end_dim': 1})
    g.err('flatten', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3))], {'start_dim': 3})
    for shape, dim, sizes in [((2, 6), 1, (2, 3)), ((2, 6), 1, (-1, 2)), ((6, 2), 0, (1, 6)), ((2, 6), -1, (3, 2, 1)), ((0, 4), 1, (2, 2))]:
        g.val('unflatten', f'{shape_tag(shape)}-dim{dim}-{shape_tag(sizes)}', lambda r, shape=shape: [A('input', r.randn(*shape)), dim, list(sizes)])
    g.err('unflatten', 'bad-sizes', lambda r: [A('input', r.randn(2, 6)), 1, [4, 2]])
    # split / chunk
    for shape, ss, dim in [((5, 2), 2, 0), ((5, 2), [1, 4], 0), ((3, 6), 3, 1), ((3, 6), [2, 0, 4], -1), ((4,), 4, 0), ((4,), 10, 0), ((0, 2), 1, 0)]:
        g.val('split', f'{shape_tag(shape)}-{ss if isinstance(ss, int) else "_".join(map(str, ss))}-dim{dim}', lambda r, shape=shape, ss=ss: [A('tensor', r.randn(*shape)), ss], {'dim': dim},
              note='outputs are every piece in order; the last one may be shorter')
    g.err('split', 'sizes-do-not-sum', lambda r: [A('tensor', r.randn(5, 2)), [2, 2]], {'dim': 0})
    for shape, chunks, dim in [((5, 2), 2, 0), ((6, 2), 3, 0), ((3, 7), 3, 1), ((4,), 6, 0), ((2, 5), 5, -1), ((5,), 4, 0)]:
        g.val('chunk', f'{shape_tag(shape)}-{chunks}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape)), chunks], {'dim': dim}, note='chunks of ceil(n / chunks); fewer chunks can come back' if (shape, chunks) == ((5,), 4) else None)
    g.err('chunk', 'zero-chunks', lambda r: [A('input', r.randn(4)), 0])
    # clone / contiguous
    g.val('clone', 'basic', lambda r: [A('input', r.randn(2, 3))])
    g.val('contiguous', 'basic', lambda r: [A('input', r.randn(2, 3))])
    # tril / triu / diagonal / repeat / unbind / T / mT (the ops attention models need)
    for op in ['tril', 'triu']:
        for shape, diag in [((3, 4), 0), ((4, 3), 1), ((3, 4), -1), ((2, 3, 3), 0), ((2, 1, 3, 2), 2), ((3, 3), 5), ((3, 3), -5), ((0, 3), 0), ((2, 0, 4), 1), ((1, 1), 0)]:
            g.val(op, f'{shape_tag(shape)}-diag{diag}', lambda r, shape=shape, diag=diag: [A('input', r.randn(*shape)), diag])
        g.val(op, 'int', [A('input', I([[1, 2, 3], [4, 5, 6]]))], note='integer in, integer out')
        g.val(op, 'bool', [A('input', B([[True, True], [True, True]]))], note='bool in, bool out')
        g.val(op, 'specials', [A('input', T([[nan, inf], [-inf, nan]]))], note='the zeroed triangle is 0 whatever it held')
        g.err(op, '1d', lambda r: [A('input', r.randn(3))], note='needs at least 2 dims')
    for shape, off, d1, d2 in [((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -2, 0, 1), ((2, 3, 4), 0, 1, 2), ((2, 3, 4), 1, 2, 0), ((3, 3), 5, 0, 1), ((0, 3), 0, 0, 1)]:
        g.val('diagonal', f'{shape_tag(shape)}-off{off}-{d1}-{d2}', lambda r, shape=shape, off=off, d1=d1, d2=d2: [A('input', r.randn(*shape)), off, d1, d2], note='the diagonal becomes the last dim')
    g.err('diagonal', 'same-dims', lambda r: [A('input', r.randn(3, 3)), 0, 1, 1])
    for shape, reps in [((2, 3), (2, 1)), ((2, 3), (1, 3)), ((3,), (2, 2)), ((2, 1, 2), (1, 3, 1)), ((), (3,)), ((2,), (0,)), ((0, 2), (2, 2)), ((2, 2), (1, 1, 2, 1))]:
        g.val('repeat', f'{shape_tag(shape)}-{shape_tag(reps)}', lambda r, shape=shape, reps=reps: [A('input', r.randn(*shape)), list(reps)], note='the gradient sums the tiles')
    g.val('repeat', 'int', [A('input', I([1, 2])), [2, 2]])
    g.err('repeat', 'fewer-repeats', lambda r: [A('input', r.randn(2, 3)), [2]])
    g.err('repeat', 'negative', lambda r: [A('input', r.randn(2, 3)), [2, -1]])
    for shape, dim in [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), -1), ((1, 2), 0), ((0, 2), 1), ((5,), 0)]:
        g.val('unbind', f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape, dim=dim: [A('input', r.randn(*shape)), dim], note='outputs are every slice in order')
    g.err('unbind', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), 2])
    for shape in [(2, 3), (2, 3, 4), (3,), (), (0, 2)]:
        g.val('T', shape_tag(shape), lambda r, shape=shape: [A('input', r.randn(*shape))], fn=lambda x: x.T, note='x.T reverses every dim')
    for shape in [(2, 3), (2, 3, 4), (2, 1, 3, 0)]:
        g.val('mT', shape_tag(shape), lambda r, shape=shape: [A('input', r.randn(*shape))], fn=lambda x: x.mT, note='x.mT swaps the last two dims')
    g.err('mT', '1d', lambda r: [A('input', r.randn(3))], fn=lambda x: x.mT)
    return g.cases



# ======================================================================================
# indexing
# ======================================================================================

def index() -> list[dict]:
    g = Group('index')
    # gather
    for shape, dim, ishape, hi in [((3, 4), 1, (3, 2), 4), ((3, 4), 0, (2, 4), 3), ((3, 4), -1, (3, 6), 4), ((2, 3, 4), 1, (2, 2, 4), 3), ((2, 3, 4), 2, (1, 2, 3), 4),
                                   ((5,), 0, (7,), 5), ((3, 4), 1, (3, 0), 4), ((3, 4), 1, (2, 3), 4)]:
        g.val('gather', f'{shape_tag(shape)}-dim{dim}-{shape_tag(ishape)}', lambda r, shape=shape, ishape=ishape, hi=hi: [A('input', r.randn(*shape)), dim, A('index', r.randint(0, hi, *ishape))],
              note='repeated indices accumulate their gradients; the index may be smaller than the input in the other dims')
    g.val('gather', 'scalar', lambda r: [A('input', r.randn()), 0, A('index', I(0))])
    # PyTorch pairs a 0-d tensor with a 1-d one; core hands kernels both as [1].
    g.val('gather', 'scalar-input-1d-index', lambda r: [A('input', r.randn()), 0, A('index', I([0, 0, 0]))])
    g.val('gather', '1d-input-scalar-index', lambda r: [A('input', r.randn(4)), 0, A('index', I(2))])
    g.val('gather', '1d-input-scalar-index-negative-dim', lambda r: [A('input', r.randn(4)), -1, A('index', I(3))])
    g.val('gather', 'int', [A('input', I([[1, 2, 3], [4, 5, 6]])), 1, A('index', I([[2, 0], [1, 1]]))])
    g.err('gather', 'index-out-of-range', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([[0, 4], [1, 1], [2, 0]]))])
    g.err('gather', 'negative-index', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([[0, -1], [1, 1], [2, 0]]))], note='gather does not wrap negative indices')
    g.err('gather', 'ndim-mismatch', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([0, 1]))])
    g.err('gather', 'index-too-large', lambda r: [A('input', r.randn(3, 4)), 1, A('index', r.randint(0, 4, 4, 2))], note='the index may not be larger than the input in a dim other than dim')
    g.err('gather', 'float-index', lambda r: [A('input', r.randn(3, 4)), 1, A('index', T([[0.0], [1.0], [2.0]]), False)])
    g.err('gather', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4)), 2, A('index', I([[0], [1], [2]]))])
    # scatter (distinct targets: PyTorch leaves the winner among duplicates unspecified) / scatter_add
    def distinct(r, n, k, rows):
        return torch.stack([r.perm(n)[:k] for _ in range(rows)])
    g.val('scatter', 'dim1', lambda r: [A('input', r.randn(3, 5)), 1, A('index', distinct(r, 5, 3, 3)), A('src', r.randn(3, 3))])
    g.val('scatter', 'src-larger', lambda r: [A('input', r.randn(3, 5)), 1, A('index', distinct(r, 5, 3, 3)), A('src', r.randn(3, 4), False)], note='src may be larger than index; only index\'s shape is read')
    g.val('scatter', 'dim0', lambda r: [A('input', r.randn(4, 3)), 0, A('index', distinct(r, 4, 3, 3).t().contiguous()), A('src', r.randn(3, 3))])
    g.val('scatter', 'value', lambda r: [A('input', r.randn(3, 5)), 1, A('index', distinct(r, 5, 2, 3)), 1.5], note='a scalar src fills the indexed places; their gradient is 0')
    g.val('scatter', 'negative-dim', lambda r: [A('input', r.randn(2, 3, 4)), -1, A('index', torch.stack([distinct(r, 4, 2, 3) for _ in range(2)])), A('src', r.randn(2, 3, 2))])
    g.val('scatter', 'empty-index', lambda r: [A('input', r.randn(3, 4)), 1, A('index', torch.zeros(3, 0, dtype=torch.int64)), A('src', r.randn(3, 0))])
    g.val('scatter', 'int', [A('input', I([[1, 2, 3], [4, 5, 6]])), 1, A('index', I([[2, 0], [1, 0]])), A('src', I([[7, 8], [9, 10]]))])
    g.err('scatter', 'index-out-of-range', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([[4], [0], [1]])), A('src', r.randn(3, 1))])
    g.err('scatter', 'dtype-mismatch', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([[1], [0], [1]])), A('src', I([[1], [2], [3]]))], note='src must have input\'s dtype')
    for shape, dim, ishape, hi in [((3, 4), 1, (3, 6), 4), ((3, 4), 0, (5, 4), 3), ((2, 3, 4), 2, (2, 3, 5), 4), ((5,), 0, (8,), 5), ((2, 3), -1, (1, 2), 3)]:
        g.val('scatter_add', f'{shape_tag(shape)}-dim{dim}-{shape_tag(ishape)}', lambda r, shape=shape, ishape=ishape, hi=hi: [A('input', r.randn(*shape)), dim, A('index', r.randint(0, hi, *ishape)), A('src', r.randn(*ishape))],
              note='duplicate indices add up')
    g.val('scatter_add', 'int', [A('input', I([1, 2, 3])), 0, A('index', I([0, 0, 2, 0])), A('src', I([5, 6, 7, 8]))])
    g.val('scatter_add', 'scalar', lambda r: [A('input', r.randn()), 0, A('index', I(0)), A('src', r.randn())])
    g.val('scatter_add', 'scalar-input-1d-index', lambda r: [A('input', r.randn()), 0, A('index', I([0, 0])), A('src', r.randn(2))])
    g.val('scatter', 'scalar', lambda r: [A('input', r.randn()), 0, A('index', I(0)), A('src', r.randn())])
    g.err('scatter_add', 'index-out-of-range', lambda r: [A('input', r.randn(3)), 0, A('index', I([3])), A('src', r.randn(1))])
    g.err('scatter_add', 'src-too-small', lambda r: [A('input', r.randn(3, 4)), 1, A('index', I([[0, 1], [1, 1], [2, 2]])), A('src', r.randn(3, 1))])
    # index_select
    for shape, dim, idx in [((4, 3), 0, [3, 0, 0, 2]), ((4, 3), 1, [2]), ((4, 3), -1, [0, 2, 1, 1]), ((2, 3, 4), 2, [3, 3]), ((5,), 0, [4, 0, 2]), ((4, 3), 0, [])]:
        g.val('index_select', f'{shape_tag(shape)}-dim{dim}-n{len(idx)}', lambda r, shape=shape, idx=idx: [A('input', r.randn(*shape)), dim, A('index', torch.tensor(idx, dtype=torch.int64))],
              note='repeated indices add their gradients')
    g.val('index_select', 'scalar-index', lambda r: [A('input', r.randn(4, 3)), 0, A('index', I(2))], note='a 0-d index keeps the dim (size 1)')
    g.val('index_select', 'int', [A('input', I([[1, 2], [3, 4], [5, 6]])), 0, A('index', I([2, 0]))])
    g.err('index_select', 'index-out-of-range', lambda r: [A('input', r.randn(4, 3)), 0, A('index', I([4]))])
    g.err('index_select', 'negative-index', lambda r: [A('input', r.randn(4, 3)), 0, A('index', I([-1]))])
    g.err('index_select', 'index-2d', lambda r: [A('input', r.randn(4, 3)), 0, A('index', I([[0, 1]]))])
    g.err('index_select', 'float-index', lambda r: [A('input', r.randn(4, 3)), 0, A('index', T([0.0, 1.0]), False)])
    # index_put
    ip = lambda *ts: Arg('indices', list(ts))  # noqa: E731
    g.val('index_put', 'rows', lambda r: [A('input', r.randn(4, 3)), ip(I([2, 0])), A('values', r.randn(2, 3))])
    g.val('index_put', 'elements', lambda r: [A('input', r.randn(4, 3)), ip(I([0, 3, 1]), I([2, 0, 1])), A('values', r.randn(3))])
    g.val('index_put', 'broadcast-values', lambda r: [A('input', r.randn(4, 3)), ip(I([1, 3])), A('values', r.randn(3))])
    g.val('index_put', 'scalar-values', lambda r: [A('input', r.randn(4, 3)), ip(I([1, 2]), I([0, 2])), A('values', r.randn())])
    g.val('index_put', 'negative-indices', lambda r: [A('input', r.randn(4, 3)), ip(I([-1, -4])), A('values', r.randn(2, 3))], note='negative indices wrap')
    g.val('index_put', 'broadcast-indices', lambda r: [A('input', r.randn(4, 3)), ip(I([[0], [2]]), I([0, 2])), A('values', r.randn(2, 2))], note='the index tensors broadcast together')
    for acc in [True]:
        g.val('index_put', 'accumulate-duplicates', lambda r: [A('input', r.randn(4, 3)), ip(I([1, 1, 3, 1])), A('values', r.randn(4, 3))], {'accumulate': acc}, note='accumulate adds duplicates up')
        g.val('index_put', 'accumulate-elements', lambda r: [A('input', r.randn(3, 3)), ip(I([0, 0, 2]), I([1, 1, 2])), A('values', r.randn(3))], {'accumulate': acc})
        g.val('index_put', 'accumulate-3d', lambda r: [A('input', r.randn(2, 3, 2)), ip(I([1, 0, 1]), I([2, 2, 2])), A('values', r.randn(3, 2))], {'accumulate': acc})
    g.val('index_put', 'accumulate-false', lambda r: [A('input', r.randn(4, 3)), ip(I([3, 1])), A('values', r.randn(2, 3))], {'accumulate': False})
    g.val('index_put', 'empty-index', lambda r: [A('input', r.randn(4, 3)), ip(torch.zeros(0, dtype=torch.int64)), A('values', r.randn(0, 3))])
    g.val('index_put', 'int', [A('input', I([1, 2, 3, 4])), ip(I([0, 0, 3])), A('values', I([5, 6, 7]))], {'accumulate': True})
    g.err('index_put', 'index-out-of-range', lambda r: [A('input', r.randn(4, 3)), ip(I([4])), A('values', r.randn(3))])
    g.err('index_put', 'values-shape', lambda r: [A('input', r.randn(4, 3)), ip(I([0, 1])), A('values', r.randn(3, 3))])
    g.err('index_put', 'too-many-indices', lambda r: [A('input', r.randn(4)), ip(I([0]), I([0])), A('values', r.randn(1))])
    # masked_fill
    g.val('masked_fill', 'basic', lambda r: [A('input', r.randn(3, 4)), A('mask', r.bernoulli(3, 4)), -1.5])
    g.val('masked_fill', 'broadcast-mask', lambda r: [A('input', r.randn(3, 4)), A('mask', r.bernoulli(4)), 2.0])
    g.val('masked_fill', 'broadcast-mask-col', lambda r: [A('input', r.randn(2, 3, 4)), A('mask', r.bernoulli(3, 1)), 0.0])
    g.val('masked_fill', 'inf', lambda r: [A('input', r.randn(2, 3)), A('mask', B([[True, False, False], [False, False, True]])), -inf], note='as attention masks: -inf fill, gradient 0 there')
    g.val('masked_fill', 'nan', lambda r: [A('input', r.randn(2, 3)), A('mask', B([[True, False, False], [False, False, True]])), nan])
    g.val('masked_fill', 'tensor-value', lambda r: [A('input', r.randn(2, 3)), A('mask', r.bernoulli(2, 3)), A('value', r.randn(), False)], note='a 0-d tensor value')
    g.val('masked_fill', 'int', [A('input', I([1, 2, 3])), A('mask', B([True, False, True])), 7])
    g.val('masked_fill', 'empty', [A('input', torch.zeros(0, 3)), A('mask', torch.zeros(0, 3, dtype=torch.bool)), 1.0])
    g.err('masked_fill', 'mask-shape', lambda r: [A('input', r.randn(3, 4)), A('mask', r.bernoulli(3)), 1.0])
    g.err('masked_fill', 'value-not-0d', lambda r: [A('input', r.randn(3)), A('mask', B([True, False, True])), A('value', r.randn(3), False)])
    # take_along_dim
    g.val('take_along_dim', 'dim1', lambda r: [A('input', r.randn(3, 4)), A('indices', r.randint(0, 4, 3, 2)), 1])
    g.val('take_along_dim', 'broadcast', lambda r: [A('input', r.randn(3, 4)), A('indices', r.randint(0, 3, 2, 1)), 0], note='indices broadcast against the input outside dim')
    g.val('take_along_dim', 'flat', lambda r: [A('input', r.randn(3, 4)), A('indices', r.randint(0, 12, 5))], note='no dim: indices into the flattened input')
    g.val('take_along_dim', 'argsort', lambda r: (lambda x: [A('input', x), A('indices', torch.argsort(x, 1)), 1])(r.randn(3, 5)), note='the usual pairing with argsort')
    g.err('take_along_dim', 'out-of-range', lambda r: [A('input', r.randn(3, 4)), A('indices', I([[4], [0], [1]])), 1])
    # one_hot
    g.val('one_hot', 'basic', [A('input', I([0, 2, 1, 2]))], {'num_classes': 3})
    g.val('one_hot', 'inferred', [A('input', I([[0, 3], [1, 1]]))], note='num_classes -1: the max index + 1')
    g.val('one_hot', 'scalar', [A('input', I(2))], {'num_classes': 4})
    g.val('one_hot', 'empty', [A('input', torch.zeros(0, dtype=torch.int64))], {'num_classes': 3})
    g.err('one_hot', 'out-of-range', [A('input', I([0, 3]))], {'num_classes': 3})
    g.err('one_hot', 'negative', [A('input', I([0, -1]))], {'num_classes': 3})
    g.err('one_hot', 'float', [A('input', T([0.0, 1.0]), False)], {'num_classes': 3})
    # data-dependent output shapes: nonzero, masked_select, unique (async in Tensile: the count decides the shape)
    nz = T([[0.0, 1.5, 0.0, -2.0], [nan, 0.0, -0.0, 3.0], [0.0, 0.0, 0.0, 1e-30]])
    for kw, tag in [({}, ''), ({'as_tuple': True}, '-as-tuple')]:
        g.val('nonzero', f'2d{tag}', [A('input', nz, False)], kw, note='row-major order; NaN is nonzero, -0 is zero')
        g.val('nonzero', f'3d-bool{tag}', lambda r: [A('input', r.randn(2, 3, 4) > 0.3)], kw)
        g.val('nonzero', f'int{tag}', [A('input', I([0, 3, 0, -1, 0, 0, 7]))], kw)
        g.val('nonzero', f'all-zero{tag}', [A('input', torch.zeros(2, 3), False)], kw, note='an empty [0, ndim] result')
        g.val('nonzero', f'empty{tag}', [A('input', torch.zeros(0, 3), False)], kw)
        g.val('nonzero', f'scalar{tag}', [A('input', T(2.5), False)], kw, note='a 0-d input: [1, 0] (as_tuple: one index tensor)')
    g.val('nonzero', 'scalar-zero', [A('input', T(0.0), False)])
    g.val('masked_select', '2d', lambda r: [A('input', r.randn(3, 4)), A('mask', r.randn(3, 4) > 0)], note='the gradient scatters back to the selected places')
    g.val('masked_select', 'broadcast-mask', lambda r: [A('input', r.randn(3, 4)), A('mask', B([True, False, False, True]))])
    g.val('masked_select', 'broadcast-input', lambda r: [A('input', r.randn(4)), A('mask', r.randn(3, 4) > 0)], note='input and mask broadcast together; the gradient sums over the broadcast rows')
    g.val('masked_select', 'none-selected', lambda r: [A('input', r.randn(2, 3)), A('mask', torch.zeros(2, 3, dtype=torch.bool))])
    g.val('masked_select', 'int', [A('input', I([[1, 2], [3, 4]])), A('mask', B([[True, False], [True, True]]))])
    g.err('masked_select', 'float-mask', lambda r: [A('input', r.randn(2, 3)), A('mask', T([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), False)])
    g.err('masked_select', 'shape-mismatch', lambda r: [A('input', r.randn(2, 3)), A('mask', B([True, False]))])
    uf = T([2.0, -1.0, 3.5, 2.0, 0.0, -1.0, 2.0, 7.0, -0.5, 0.0])
    g.val('unique', 'float', [A('input', uf, False)])
    g.val('unique', 'float-inverse-counts', [A('input', uf.reshape(2, 5), False)], {'return_inverse': True, 'return_counts': True}, note='the inverse has the input shape')
    g.val('unique', 'counts', [A('input', uf, False)], {'return_counts': True})
    g.val('unique', 'int-inverse', [A('input', I([[5, 1, 5], [3, 1, 0]]))], {'sorted': True, 'return_inverse': True})
    g.val('unique', 'bool', [A('input', B([True, False, True, True]))], {'return_counts': True})
    g.val('unique', 'empty', [A('input', torch.zeros(0), False)], {'return_inverse': True, 'return_counts': True})
    rows = I([[1, 2, 3], [0, 5, 1], [1, 2, 3], [0, 5, 0], [0, 5, 1]])
    g.val('unique', 'dim0', [A('input', rows)], {'dim': 0, 'return_inverse': True, 'return_counts': True}, note='unique rows, lexicographic order')
    g.val('unique', 'dim1', [A('input', rows.t().contiguous().to(torch.float32), False)], {'dim': 1, 'return_inverse': True, 'return_counts': True}, note='unique columns')
    g.val('unique', 'dim-negative', [A('input', rows)], {'dim': -2})
    g.err('unique', 'dim-out-of-range', [A('input', rows)], {'dim': 2})
    return g.cases


# ======================================================================================
# nn functional (softmax family, activations, linear, normalisation)
# ======================================================================================

def nn() -> list[dict]:
    g = Group('nn')
    for op in ['softmax', 'log_softmax']:
        for shape, dim in [((3, 5), 1), ((3, 5), 0), ((3, 5), -1), ((2, 3, 4), 1), ((2, 3, 4), -3), ((6,), 0), ((), 0), ((), -1), ((0, 3), 1), ((3, 0), 1), ((1, 1), 1), ((2, 1, 3), 1)]:
            g.val(op, f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape, scale=2.0))], {'dim': dim})
        g.val(op, 'large-logits', lambda r: [A('input', r.randn(2, 4, scale=1.0, shift=1e4))], {'dim': 1}, note='shifted by the max: no overflow')
        g.val(op, 'spread', [A('input', T([[100.0, 0.0, -100.0], [-1e4, 1e4, 0.0], [88.0, 89.0, 90.0]]))], {'dim': 1}, note='probabilities underflow to 0 without NaN')
        g.val(op, 'neg-inf', [A('input', T([[1.0, -inf, 2.0], [-inf, 0.0, -inf]]))], {'dim': 1}, note='-inf entries get probability 0 and gradient 0')
        g.val(op, 'all-neg-inf', [A('input', T([[-inf, -inf, -inf], [1.0, 2.0, 3.0]]), False)], {'dim': 1}, note='a line of -inf is NaN (0 / 0), the other lines are untouched')
        g.val(op, 'pos-inf', [A('input', T([[1.0, inf, 2.0], [0.0, 1.0, 2.0]]), False)], {'dim': 1}, note='PyTorch subtracts the max even when it is +inf: inf - inf makes the whole line NaN')
        g.val(op, 'two-pos-inf', [A('input', T([[inf, inf, 0.0], [-inf, inf, 1.0]]), False)], {'dim': 1}, note='any +inf makes the line NaN')
        g.val(op, 'nan', [A('input', T([[1.0, nan, 2.0], [0.0, 1.0, 2.0]]), False)], {'dim': 1}, note='NaN poisons its line only')
        g.val(op, 'pos-inf-dim0', [A('input', T([[1.0, 2.0], [inf, 0.0], [3.0, -inf]]), False)], {'dim': 0}, note='+inf along a strided line')
        g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
        g.err(op, 'int', [A('input', I([[1, 2, 3]]))], {'dim': 1}, note='softmax needs a float tensor')
    for op, kw, smp in [('leaky_relu', {}, None), ('leaky_relu', {'negative_slope': 0.2}, None), ('elu', {}, None), ('elu', {'alpha': 0.5}, None), ('gelu', {}, None), ('gelu', {'approximate': 'tanh'}, None),
                        ('silu', {}, None), ('mish', {}, None), ('hardtanh', {}, None), ('hardtanh', {'min_val': -0.5, 'max_val': 2.0}, None), ('relu', {}, None)]:
        tag = '-'.join(f'{camel(k)}{v}' for k, v in kw.items()) or 'default'
        g.val(op, f'{tag}', lambda r: [A('input', r.randn(3, 5, scale=2.0))], kw, fn=getattr(F, op))
        # elu's and hardtanh's gradients at NaN differ between PyTorch's float32 and float64 kernels: no NaN there.
        vals = [0.0, -0.0, 1.0, -1.0] + ([] if op in ('elu', 'hardtanh') else [nan]) + [inf, -inf, 30.0, -30.0, 0.5, -0.5, 2.0]
        g.val(op, f'{tag}-specials', [A('input', T(vals))], kw, fn=getattr(F, op))
        g.val(op, f'{tag}-empty', [A('input', torch.zeros(0, 2))], kw, fn=getattr(F, op))
    g.val('hardtanh', 'at-bounds', [A('input', T([-1.0, 1.0, -1.5, 1.5, 0.0]))], fn=F.hardtanh, note='the gradient is 0 exactly at the bounds, unlike clamp')
    g.val('leaky_relu', 'at-zero', [A('input', T([0.0, -0.0, 1e-30, -1e-30]))], fn=F.leaky_relu, note='the gradient at 0 is the negative slope')
    # linear
    g.val('linear', 'basic', lambda r: [A('input', r.randn(3, 4)), A('weight', r.randn(2, 4)), A('bias', r.randn(2))])
    g.val('linear', 'no-bias', lambda r: [A('input', r.randn(3, 4)), A('weight', r.randn(2, 4))])
    g.err('linear', 'bool', [A('input', B([[True, False]])), A('weight', B([[True, True]]))], note='linear is not implemented for bool')
    g.val('linear', '1d-input', lambda r: [A('input', r.randn(4)), A('weight', r.randn(3, 4)), A('bias', r.randn(3))])
    g.val('linear', '3d-input', lambda r: [A('input', r.randn(2, 3, 4)), A('weight', r.randn(5, 4)), A('bias', r.randn(5))])
    g.val('linear', 'zero-features', lambda r: [A('input', r.randn(3, 0)), A('weight', r.randn(2, 0)), A('bias', r.randn(2))], note='no input features: the output is the bias')
    g.val('linear', 'empty-batch', lambda r: [A('input', r.randn(0, 4)), A('weight', r.randn(2, 4)), A('bias', r.randn(2))])
    g.err('linear', 'shape-mismatch', lambda r: [A('input', r.randn(3, 4)), A('weight', r.randn(2, 5))])
    g.err('linear', 'bias-shape', lambda r: [A('input', r.randn(3, 4)), A('weight', r.randn(2, 4)), A('bias', r.randn(3))])
    # layer_norm
    g.val('layer_norm', 'last-dim', lambda r: [A('input', r.randn(3, 5)), [5]])
    g.val('layer_norm', 'affine', lambda r: [A('input', r.randn(2, 3, 4)), [4], A('weight', r.randn(4)), A('bias', r.randn(4))])
    g.val('layer_norm', 'two-dims', lambda r: [A('input', r.randn(2, 3, 4)), [3, 4], A('weight', r.randn(3, 4)), A('bias', r.randn(3, 4))])
    g.val('layer_norm', 'eps', lambda r: [A('input', r.randn(3, 4)), [4], None, None, 0.1])
    g.val('layer_norm', 'constant', [A('input', T([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])), [3]], note='a constant row normalises to 0 (eps keeps it finite)')
    g.err('layer_norm', 'shape-mismatch', lambda r: [A('input', r.randn(3, 4)), [3]])
    # group_norm (torch 1.13) and rms_norm (PyTorch 2.4, from its formula in the layer generator)
    g.val('group_norm', 'affine', lambda r: [A('input', r.randn(2, 4, 3)), 2, A('weight', r.uniform(4, lo=0.5, hi=1.5)), A('bias', r.randn(4))])
    g.val('group_norm', 'no-affine', lambda r: [A('input', r.randn(2, 6, 2, 2)), 3])
    g.val('group_norm', 'eps', lambda r: [A('input', r.randn(3, 2)), 1, None, None, 0.1])
    g.err('group_norm', 'not-divisible', lambda r: [A('input', r.randn(2, 4, 3)), 3])
    g.val('rms_norm', 'weight', lambda r: [A('input', r.randn(2, 3, 4)), [4], A('weight', r.uniform(4, lo=0.5, hi=1.5))], fn=rms_norm_ref)
    g.val('rms_norm', 'two-dims-eps', lambda r: [A('input', r.randn(2, 3, 4)), [3, 4], None, 0.01], fn=rms_norm_ref)
    g.val('rms_norm', 'default-eps', lambda r: [A('input', r.randn(3, 5)), [5]], fn=rms_norm_ref, note='eps null: float32 machine epsilon')
    g.err('rms_norm', 'shape-mismatch', lambda r: [A('input', r.randn(3, 4)), [3]], fn=rms_norm_ref)
    # one more: dropout in eval mode and with p = 0 is the identity
    g.val('dropout', 'eval', lambda r: [A('input', r.randn(3, 4)), 0.5, False], fn=F.dropout, note='training=False: the identity')
    g.val('dropout', 'p0', lambda r: [A('input', r.randn(3, 4)), 0.0, True], fn=F.dropout, note='p=0: the identity')
    g.err('dropout', 'p-out-of-range', lambda r: [A('input', r.randn(3)), 1.5], fn=F.dropout)
    # normalize: x / max(||x||_p, eps) along dim (default p 2, dim 1, eps 1e-12)
    g.val('normalize', 'default', lambda r: [A('input', r.randn(3, 4))], fn=F.normalize)
    g.val('normalize', 'dim0-p1', lambda r: [A('input', r.randn(3, 4))], {'p': 1.0, 'dim': 0}, fn=F.normalize)
    g.val('normalize', 'dim-1-p3', lambda r: [A('input', r.randn(2, 3, 4))], {'p': 3.0, 'dim': -1}, fn=F.normalize)
    g.val('normalize', 'p-inf', lambda r: [A('input', r.randn(3, 4))], {'p': inf}, fn=F.normalize)
    g.val('normalize', '1d-dim0', lambda r: [A('input', r.randn(5))], {'dim': 0}, fn=F.normalize)
    g.val('normalize', 'eps-clamps', lambda r: [A('input', r.randn(3, 4, scale=0.01))], {'eps': 0.5}, fn=F.normalize, note='every norm is below eps: x / eps, the norm gets no gradient')
    g.val('normalize', 'zero-row', [A('input', T([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]]))], fn=F.normalize, note='a zero vector stays zero (eps)')
    g.val('normalize', 'empty', [A('input', torch.zeros(0, 3))], fn=F.normalize)
    g.err('normalize', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2}, fn=F.normalize)
    g.err('normalize', 'int', [A('input', I([[1, 2], [3, 4]]))], fn=F.normalize)
    return g.cases


# ======================================================================================
# matmul
# ======================================================================================

def matmul() -> list[dict]:
    g = Group('matmul')
    for a, b in [((3, 4), (4, 2)), ((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)),
                 ((2, 3, 4), (4,)), ((4,), (2, 4, 3)), ((1, 1), (1, 1)), ((3, 0), (0, 2)), ((0, 4), (4, 3)), ((3, 4), (4, 0)), ((2, 0, 3), (3, 2)), ((1, 5), (5, 1)), ((6, 1), (1, 6))]:
        g.val('matmul', f'{shape_tag(a)}-{shape_tag(b)}', lambda r, a=a, b=b: [A('input', r.randn(*a)), A('other', r.randn(*b))],
              note='a 0-size contraction gives zeros' if (a, b) == ((3, 0), (0, 2)) else None)
    g.val('matmul', 'specials', [A('input', T([[1.0, inf], [nan, 0.0]]), False), A('other', T([[0.0, 1.0], [1.0, -inf]]), False)], note='0 * inf is NaN, inf + -inf is NaN')
    g.val('matmul', 'int', [A('input', I([[1, 2], [3, 4]])), A('other', I([[5, -1], [0, 2]]))], note='integer matmul')
    g.err('matmul', 'inner-mismatch', lambda r: [A('input', r.randn(3, 4)), A('other', r.randn(5, 2))])
    g.err('matmul', 'vector-mismatch', lambda r: [A('input', r.randn(3)), A('other', r.randn(4))])
    g.err('matmul', 'batch-mismatch', lambda r: [A('input', r.randn(2, 3, 4)), A('other', r.randn(3, 4, 5))])
    g.err('matmul', 'scalar', lambda r: [A('input', r.randn()), A('other', r.randn(3))], note='both arguments need at least one dim')
    g.err('matmul', 'bool', [A('input', B([[True, False], [True, True]])), A('other', B([[True, False], [False, True]]))], note='matmul is not implemented for bool')
    g.err('matmul', 'dtype-mismatch', lambda r: [A('input', r.randn(2, 2)), A('other', I([[1, 2], [3, 4]]))], note='matmul does not promote')
    # bmm / addmm / baddbmm
    for a, b in [((2, 3, 4), (2, 4, 5)), ((1, 1, 1), (1, 1, 1)), ((3, 2, 0), (3, 0, 4)), ((0, 2, 3), (0, 3, 2)), ((2, 0, 3), (2, 3, 2))]:
        g.val('bmm', f'{shape_tag(a)}-{shape_tag(b)}', lambda r, a=a, b=b: [A('input', r.randn(*a)), A('mat2', r.randn(*b))])
    g.val('bmm', 'int', [A('input', I([[[1, 2], [3, 4]]])), A('mat2', I([[[5, -1], [0, 2]]]))])
    g.err('bmm', '2d', lambda r: [A('input', r.randn(3, 4)), A('mat2', r.randn(4, 2))], note='bmm does not take matrices')
    g.err('bmm', 'batch-mismatch', lambda r: [A('input', r.randn(2, 3, 4)), A('mat2', r.randn(3, 4, 5))], note='no broadcasting')
    g.err('bmm', 'inner-mismatch', lambda r: [A('input', r.randn(2, 3, 4)), A('mat2', r.randn(2, 5, 5))])
    g.err('bmm', 'dtype-mismatch', lambda r: [A('input', r.randn(1, 2, 2)), A('mat2', I([[[1, 2], [3, 4]]]))])
    for tag, i, a, b, kw in [('basic', (3, 5), (3, 4), (4, 5), {}), ('broadcast-row', (5,), (3, 4), (4, 5), {}), ('broadcast-scalar', (), (3, 4), (4, 5), {}),
                             ('broadcast-col', (3, 1), (3, 4), (4, 5), {}), ('beta-alpha', (3, 5), (3, 4), (4, 5), {'beta': 0.5, 'alpha': -2.0}),
                             ('beta0', (3, 5), (3, 4), (4, 5), {'beta': 0.0}), ('empty-inner', (2, 3), (2, 0), (0, 3), {'alpha': 2.0}), ('1x1', (1, 1), (1, 1), (1, 1), {})]:
        g.val('addmm', tag, lambda r, i=i, a=a, b=b: [A('input', r.randn(*i)), A('mat1', r.randn(*a)), A('mat2', r.randn(*b))], kw)
    g.val('addmm', 'beta0-nan-input', lambda r: [A('input', T([[nan, inf], [1.0, -inf]])), A('mat1', r.randn(2, 3)), A('mat2', r.randn(3, 2))], {'beta': 0.0},
          note='beta = 0 ignores input: its NaN and inf do not propagate, its gradient is 0')
    g.err('addmm', 'shape-mismatch', lambda r: [A('input', r.randn(3, 5)), A('mat1', r.randn(3, 4)), A('mat2', r.randn(3, 5))])
    g.err('addmm', 'input-shape', lambda r: [A('input', r.randn(3, 4)), A('mat1', r.randn(3, 4)), A('mat2', r.randn(4, 5))], note='input must broadcast to the product')
    g.err('addmm', 'mat1-1d', lambda r: [A('input', r.randn(3)), A('mat1', r.randn(4)), A('mat2', r.randn(4, 3))])
    for tag, i, a, b, kw in [('basic', (2, 3, 5), (2, 3, 4), (2, 4, 5), {}), ('broadcast', (3, 5), (2, 3, 4), (2, 4, 5), {}), ('beta-alpha', (1, 3, 1), (2, 3, 4), (2, 4, 5), {'beta': -1.5, 'alpha': 0.25}),
                             ('beta0', (2, 3, 5), (2, 3, 4), (2, 4, 5), {'beta': 0.0}), ('empty-batch', (0, 2, 2), (0, 2, 3), (0, 3, 2), {})]:
        # torch 1.13's CPU baddbmm with beta = 0 reads its uninitialised output (results vary from run to run),
        # so that case is computed by its definition: alpha * bmm, input ignored (a zero gradient).
        fn = (lambda input, batch1, batch2, beta, alpha=1.0: input * 0 + alpha * torch.bmm(batch1, batch2)) if kw.get('beta') == 0.0 else None
        g.val('baddbmm', tag, lambda r, i=i, a=a, b=b: [A('input', r.randn(*i)), A('batch1', r.randn(*a)), A('batch2', r.randn(*b))], kw, fn=fn)
    g.err('baddbmm', 'batch-mismatch', lambda r: [A('input', r.randn(2, 3, 5)), A('batch1', r.randn(2, 3, 4)), A('batch2', r.randn(1, 4, 5))])
    g.err('baddbmm', '2d', lambda r: [A('input', r.randn(3, 5)), A('batch1', r.randn(3, 4)), A('batch2', r.randn(4, 5))])
    # einsum: PyTorch's grammar (implicit output, ellipsis, repeated subscripts, broadcasting size-1 dims)
    for tag, eq, shapes in [('matmul', 'ij,jk->ik', [(3, 4), (4, 2)]), ('matmul-implicit', 'ij,jk', [(3, 4), (4, 2)]), ('transpose', 'ij->ji', [(2, 3)]), ('implicit-sorted', 'ba', [(2, 3)]),
                            ('sum', 'ij->', [(2, 3)]), ('row-sum', 'ij->i', [(2, 3)]), ('trace', 'ii', [(3, 3)]), ('diag', 'ii->i', [(3, 3)]), ('diag-3d', 'iij->ji', [(3, 3, 2)]),
                            ('dot', 'i,i', [(4,), (4,)]), ('outer', 'i,j->ij', [(3,), (2,)]), ('hadamard', 'ij,ij->ij', [(2, 3), (2, 3)]), ('bmm', 'bij,bjk->bik', [(2, 3, 4), (2, 4, 2)]),
                            ('attention-scores', 'bhqd,bhkd->bhqk', [(2, 2, 3, 4), (2, 2, 5, 4)]), ('attention-out', 'bhqk,bhkd->bqhd', [(2, 2, 3, 5), (2, 2, 5, 4)]),
                            ('bilinear', 'bn,anm,bm->ba', [(2, 3), (4, 3, 2), (2, 2)]), ('chain', 'ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]), ('ellipsis-batch', '...ij,...jk->...ik', [(2, 1, 3, 4), (5, 4, 2)]),
                            ('ellipsis-implicit', '...ij,...jk', [(2, 3, 4), (4, 2)]), ('ellipsis-middle', 'i...j->j...i', [(2, 3, 4, 5)]), ('ellipsis-sum', '...ij->ij', [(2, 3, 4)]),
                            ('ellipsis-empty', '...i,...i->...', [(3,), (3,)]), ('broadcast-size1', 'ij,jk->ik', [(2, 1), (3, 4)]), ('uppercase', 'Ab,bC->AC', [(2, 3), (3, 2)]),
                            ('spaces', 'ij, jk -> ik', [(2, 3), (3, 2)]), ('empty-contraction', 'ij,jk->ik', [(2, 0), (0, 3)]), ('empty-free', 'ij,jk->ik', [(0, 3), (3, 2)]), ('scalar', ',->', [(), ()]),
                            ('scalar-times', ',ij->ij', [(), (2, 3)]), ('keep-unsummed', 'ij,k->ijk', [(2, 3), (2,)])]:
        g.val('einsum', tag, lambda r, eq=eq, shapes=shapes: [eq] + [A(f'operand{i}', r.randn(*s)) for i, s in enumerate(shapes)],
              note=f'torch.einsum({eq!r}, ...)')
    g.val('einsum', 'int', ['ij,jk->ik', A('operand0', I([[1, 2], [3, 4]])), A('operand1', I([[5, -1], [0, 2]]))])
    for tag, eq, shapes in [('too-few-operands', 'ij,jk', [(2, 3)]), ('too-many-operands', 'ij', [(2, 3), (3, 2)]), ('ndim-mismatch', 'ij', [(2, 3, 4)]),
                            ('size-mismatch', 'ij,jk', [(2, 3), (4, 5)]), ('repeated-output', 'i->ii', [(2,)]), ('unknown-output', 'i->j', [(2,)]),
                            ('invalid-subscript', 'i1', [(2, 2)]), ('diagonal-size-mismatch', 'ii', [(2, 3)]), ('ellipsis-mismatch', '...i,...i', [(2, 3), (4, 3)])]:
        g.err('einsum', tag, lambda r, eq=eq, shapes=shapes: [eq] + [A(f'operand{i}', r.randn(*s)) for i, s in enumerate(shapes)])
    return g.cases


# ======================================================================================
# convolution and pooling (torch.nn.functional)
# ======================================================================================

def conv() -> list[dict]:
    g = Group('conv')
    # conv1d: (N, C, L), weight (O, C/groups, K)
    for tag, x, w, b, kw in [
        ('basic', (2, 3, 7), (4, 3, 3), True, {}),
        ('no-bias', (1, 2, 6), (3, 2, 2), False, {}),
        ('stride2', (2, 2, 9), (3, 2, 3), True, {'stride': 2}),
        ('padding', (1, 2, 5), (2, 2, 3), True, {'padding': 1}),
        ('padding-same', (1, 2, 6), (2, 2, 4), True, {'padding': 'same'}),
        ('padding-valid', (1, 2, 6), (2, 2, 3), True, {'padding': 'valid'}),
        ('dilation', (1, 2, 9), (2, 2, 3), True, {'dilation': 2}),
        ('groups', (2, 4, 6), (6, 2, 3), True, {'groups': 2}),
        ('depthwise', (1, 3, 6), (3, 1, 2), True, {'groups': 3}),
        ('unbatched', (3, 7), (2, 3, 3), True, {}),
        ('kernel-eq-length', (2, 2, 4), (3, 2, 4), True, {}),
        ('stride-padding-dilation', (1, 2, 10), (2, 2, 3), True, {'stride': 3, 'padding': 2, 'dilation': 2}),
        ('same-dilation', (1, 1, 7), (1, 1, 3), False, {'padding': 'same', 'dilation': 2}),
        ('empty-batch', (0, 2, 5), (3, 2, 2), True, {}),
    ]:
        g.val('conv1d', tag, lambda r, x=x, w=w, b=b: [A('input', r.randn(*x)), A('weight', r.randn(*w)), (A('bias', r.randn(w[0])) if b else None)], kw)
    g.err('conv1d', 'channel-mismatch', lambda r: [A('input', r.randn(1, 3, 6)), A('weight', r.randn(2, 2, 3))])
    g.err('conv1d', 'kernel-too-large', lambda r: [A('input', r.randn(1, 2, 2)), A('weight', r.randn(2, 2, 3))])
    g.err('conv1d', 'groups-not-dividing', lambda r: [A('input', r.randn(1, 3, 6)), A('weight', r.randn(2, 1, 3))], {'groups': 2})
    g.err('conv1d', 'same-with-stride', lambda r: [A('input', r.randn(1, 2, 6)), A('weight', r.randn(2, 2, 3))], {'padding': 'same', 'stride': 2})
    g.err('conv1d', 'bad-ndim', lambda r: [A('input', r.randn(6)), A('weight', r.randn(2, 1, 3))])
    for tag, x, w, b, kw in [
        ('basic', (1, 2, 5, 5), (3, 2, 3, 3), True, {}),
        ('no-bias', (2, 1, 4, 4), (2, 1, 2, 2), False, {}),
        ('stride', (1, 2, 6, 5), (2, 2, 3, 2), True, {'stride': (2, 1)}),
        ('padding', (1, 1, 4, 4), (2, 1, 3, 3), True, {'padding': 1}),
        ('padding-tuple', (1, 1, 4, 5), (1, 1, 3, 3), True, {'padding': (0, 2)}),
        ('padding-same', (1, 2, 4, 5), (2, 2, 2, 3), True, {'padding': 'same'}),
        ('dilation', (1, 1, 6, 6), (2, 1, 2, 2), True, {'dilation': (2, 3)}),
        ('groups', (1, 4, 4, 4), (2, 2, 2, 2), True, {'groups': 2}),
        ('unbatched', (2, 4, 4), (1, 2, 3, 3), True, {}),
        ('1x1', (2, 3, 3, 3), (2, 3, 1, 1), True, {}),
        ('everything', (1, 2, 7, 6), (2, 1, 3, 2), True, {'stride': 2, 'padding': (1, 2), 'dilation': (1, 2), 'groups': 2}),
    ]:
        g.val('conv2d', tag, lambda r, x=x, w=w, b=b: [A('input', r.randn(*x)), A('weight', r.randn(*w)), (A('bias', r.randn(w[0])) if b else None)], kw)
    g.err('conv2d', 'channel-mismatch', lambda r: [A('input', r.randn(1, 3, 4, 4)), A('weight', r.randn(2, 2, 3, 3))])
    g.err('conv2d', 'kernel-too-large', lambda r: [A('input', r.randn(1, 1, 2, 4)), A('weight', r.randn(1, 1, 3, 3))])
    g.err('conv2d', 'bias-shape', lambda r: [A('input', r.randn(1, 1, 4, 4)), A('weight', r.randn(2, 1, 3, 3)), A('bias', r.randn(3))])
    g.err('conv2d', 'weight-ndim', lambda r: [A('input', r.randn(1, 1, 4, 4)), A('weight', r.randn(2, 1, 3))])
    # pooling
    for tag, x, kw in [
        ('basic', (1, 2, 4, 4), {'kernel_size': 2}),
        ('stride1', (1, 1, 4, 4), {'kernel_size': 2, 'stride': 1}),
        ('kernel3-stride2', (2, 1, 5, 5), {'kernel_size': 3, 'stride': 2}),
        ('padding', (1, 1, 4, 4), {'kernel_size': 3, 'stride': 2, 'padding': 1}),
        ('ceil-mode', (1, 1, 5, 5), {'kernel_size': 2, 'ceil_mode': True}),
        ('rect', (1, 1, 4, 6), {'kernel_size': (2, 3), 'stride': (1, 2)}),
        ('unbatched', (2, 4, 4), {'kernel_size': 2}),
    ]:
        g.val('max_pool2d', tag, lambda r, x=x: [A('input', r.randn(*x))], kw)
        g.val('avg_pool2d', tag, lambda r, x=x: [A('input', r.randn(*x))], kw)
    g.val('max_pool2d', 'dilation', lambda r: [A('input', r.randn(1, 1, 5, 5))], {'kernel_size': 2, 'dilation': 2})
    g.val('max_pool2d', 'return-indices', lambda r: [A('input', r.randn(1, 2, 4, 4))], {'kernel_size': 2, 'return_indices': True}, note='indices into each flattened input plane')
    g.val('max_pool2d', 'return-indices-padding', lambda r: [A('input', r.randn(1, 1, 5, 5))], {'kernel_size': 3, 'stride': 2, 'padding': 1, 'return_indices': True})
    g.val('max_pool2d', 'ties', [A('input', T([[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]]]))], {'kernel_size': 2, 'return_indices': True}, note='a tied window gives its gradient to the first maximum in row-major order')
    g.val('max_pool2d', 'nan', [A('input', T([[[[1.0, nan, 0.0, 2.0], [1.0, 0.0, -inf, -inf], [inf, 3.0, -inf, -inf], [3.0, 3.0, -inf, -inf]]]]), False)], {'kernel_size': 2}, note='NaN wins its window')
    g.val('max_pool2d', 'all-neg-inf-padding', [A('input', T([[[[-inf, -inf], [-inf, -inf]]]]), False)], {'kernel_size': 2, 'stride': 1, 'padding': 1}, note='padding is -inf, so a window of -inf stays -inf')
    g.val('avg_pool2d', 'no-count-pad', lambda r: [A('input', r.randn(1, 1, 4, 4))], {'kernel_size': 3, 'stride': 2, 'padding': 1, 'count_include_pad': False})
    g.val('avg_pool2d', 'divisor-override', lambda r: [A('input', r.randn(1, 1, 4, 4))], {'kernel_size': 2, 'divisor_override': 3})
    g.val('avg_pool2d', 'ceil-mode-padding', lambda r: [A('input', r.randn(1, 1, 5, 5))], {'kernel_size': 3, 'stride': 2, 'padding': 1, 'ceil_mode': True}, note='a window starting in the right padding is dropped')
    g.err('max_pool2d', 'padding-too-large', lambda r: [A('input', r.randn(1, 1, 4, 4))], {'kernel_size': 2, 'padding': 2}, note='padding must be at most half the kernel')
    g.err('avg_pool2d', 'padding-too-large', lambda r: [A('input', r.randn(1, 1, 4, 4))], {'kernel_size': 2, 'padding': 2})
    g.err('max_pool2d', 'kernel-too-large', lambda r: [A('input', r.randn(1, 1, 2, 2))], {'kernel_size': 3})
    g.err('max_pool2d', 'bad-ndim', lambda r: [A('input', r.randn(4, 4))], {'kernel_size': 2})
    for tag, x, kw in [
        ('basic', (2, 2, 6), {'kernel_size': 2}),
        ('stride1', (1, 2, 5), {'kernel_size': 3, 'stride': 1}),
        ('padding', (1, 1, 5), {'kernel_size': 3, 'stride': 2, 'padding': 1}),
        ('ceil-mode', (1, 1, 7), {'kernel_size': 2, 'ceil_mode': True}),
        ('unbatched', (2, 6), {'kernel_size': 3}),
    ]:
        g.val('max_pool1d', tag, lambda r, x=x: [A('input', r.randn(*x))], kw)
        g.val('avg_pool1d', tag, lambda r, x=x: [A('input', r.randn(*x))], kw)
    g.val('max_pool1d', 'return-indices', lambda r: [A('input', r.randn(1, 2, 6))], {'kernel_size': 2, 'return_indices': True})
    g.val('max_pool1d', 'dilation', lambda r: [A('input', r.randn(1, 1, 7))], {'kernel_size': 2, 'dilation': 3})
    g.val('avg_pool1d', 'no-count-pad', lambda r: [A('input', r.randn(1, 1, 5))], {'kernel_size': 3, 'stride': 2, 'padding': 1, 'count_include_pad': False})
    for shape, out in [((1, 2, 5, 5), 2), ((1, 1, 5, 7), (3, 2)), ((2, 1, 4, 4), 1), ((1, 1, 3, 3), 5), ((2, 4, 4), (2, None))]:
        g.val('adaptive_avg_pool2d', f'{shape_tag(shape)}-{out if not isinstance(out, tuple) else "_".join(map(str, out))}', lambda r, shape=shape, out=out: [A('input', r.randn(*shape)), out],
              note='windows of floor(i*L/n) .. ceil((i+1)*L/n); an output larger than the input repeats entries')
    for shape, out in [((1, 2, 7), 3), ((2, 1, 4), 4), ((1, 1, 3), 5), ((2, 6), 2)]:
        g.val('adaptive_avg_pool1d', f'{shape_tag(shape)}-{out}', lambda r, shape=shape, out=out: [A('input', r.randn(*shape)), out])
    return g.cases


# ======================================================================================
# in-place ops and creation
# ======================================================================================

def misc() -> list[dict]:
    g = Group('misc')
    g.val('add_', 'tensor', lambda r: [A('input', r.randn(3, 4), False), A('other', r.randn(4), False)], note='in place on a fresh copy of input; other broadcasts')
    g.val('add_', 'alpha', lambda r: [A('input', r.randn(3, 4), False), A('other', r.randn(3, 4), False)], {'alpha': -2.0})
    g.val('add_', 'scalar', lambda r: [A('input', r.randn(2, 3), False), 1.5])
    g.val('sub_', 'tensor', lambda r: [A('input', r.randn(3, 4), False), A('other', r.randn(3, 1), False)])
    g.val('mul_', 'tensor', lambda r: [A('input', r.randn(3, 4), False), A('other', r.randn(3, 4), False)])
    g.val('mul_', 'scalar', lambda r: [A('input', r.randn(3, 4), False), -0.5])
    g.val('div_', 'tensor', lambda r: [A('input', r.randn(3, 4), False), A('other', r.uniform(4, lo=0.5, hi=2.0), False)])
    g.val('pow_', 'scalar', lambda r: [A('input', r.uniform(3, 4, lo=0.1, hi=2.0), False), 2.5])
    g.val('clamp_', 'both', lambda r: [A('input', r.randn(3, 4), False), -0.5, 0.5])
    g.val('masked_fill_', 'basic', lambda r: [A('input', r.randn(3, 4), False), A('mask', r.bernoulli(3, 4)), 9.0])
    g.val('fill_', 'scalar', lambda r: [A('input', r.randn(2, 3), False), 4.0])
    g.val('fill_', 'tensor', lambda r: [A('input', r.randn(2, 3), False), A('value', r.randn(), False)], note='a 0-d tensor value')
    g.val('zero_', 'basic', lambda r: [A('input', r.randn(2, 3), False)])
    g.val('add_', 'int-scalar', [A('input', I([1, 2, 3])), 2])
    g.err('add_', 'broadcast-self', lambda r: [A('input', r.randn(3), False), A('other', r.randn(2, 3), False)], note='an in-place op cannot grow its input')
    g.err('mul_', 'int-by-float', [A('input', I([1, 2, 3])), A('other', T([0.5, 1.0, 2.0]), False)], note='an int tensor cannot hold the float result')
    g.err('fill_', 'tensor-not-0d', lambda r: [A('input', r.randn(2, 3), False), A('value', r.randn(3), False)])
    g.err('add_', 'leaf-requires-grad', lambda r: [A('input', r.randn(3), True), 1.0], note='a leaf that requires grad cannot be changed in place')
    # creation (no tensor inputs); the reference pass builds float64
    for tag, args in [('int', [5]), ('start-end', [2, 7]), ('step', [1, 10, 3]), ('negative-step', [5, -2, -2]), ('float-step', [0.0, 1.0, 0.25]), ('empty', [3, 3])]:
        g.val('arange', tag, args)
    g.val('linspace', 'basic', [0.0, 1.0, 5])
    g.val('linspace', 'one', [2.0, 3.0, 1])
    g.val('linspace', 'zero', [2.0, 3.0, 0])
    g.val('linspace', 'descending', [1.0, -1.0, 4])
    g.val('eye', 'square', [3])
    g.val('eye', 'rect', [2, 4])
    g.val('zeros', 'basic', [[2, 3]])
    g.val('ones', 'empty', [[0, 2]])
    g.val('full', 'basic', [[2, 2], 1.5])
    g.err('arange', 'zero-step', [0, 5, 0])
    g.err('arange', 'wrong-sign', [0, 5, -1])
    g.err('linspace', 'negative-steps', [0.0, 1.0, -1])
    return g.cases


def elementwise() -> list[dict]:
    g = Group('elementwise')
    unary_cases(g)
    binary_cases(g)
    pow_cases(g)
    where_clamp_cases(g)
    return g.cases

# ======================================================================================
# attention (PyTorch 2.x's F.scaled_dot_product_attention, which 1.13 lacks: computed here from
# its definition, in float64 for the reference pass)
# ======================================================================================

class _SafeSoftmax(torch.autograd.Function):
    """PyTorch 2.5's at::_safe_softmax: softmax along the last dim, with lines that are all -inf set to 0.

    Its gradient is softmax's, _softmax_backward_data(grad, result), on that zeroed result, as in
    PyTorch's derivatives.yaml: a fully masked line gets a zero gradient.
    """

    @staticmethod
    def forward(ctx, x):
        out = torch.softmax(x, -1)
        masked_rows = (x == -inf).all(-1, keepdim=True)
        out = torch.where(masked_rows, torch.zeros((), dtype=out.dtype), out)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(-1, keepdim=True))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """PyTorch 2.5's math SDPA: safe_softmax(q k^T * scale + bias) v, with its argument checks and messages."""
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f'Expected query, key, and value to have the same dtype, but got query.dtype: {query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.')
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f'Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.')
    if attn_mask is not None and attn_mask.dtype not in (torch.bool, torch.float32, query.dtype):
        raise RuntimeError(f'Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: {attn_mask.dtype} and  query.dtype: {query.dtype} instead.')
    if is_causal and attn_mask is not None:
        raise RuntimeError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True')
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f'dropout probability has to be between 0 and 1, but got {dropout_p}')
    if dropout_p > 0:
        raise GeneratorError('dropout is random: no golden case')
    L, E, S = query.size(-2), query.size(-1), key.size(-2)
    if key.size(-1) != E:
        raise RuntimeError(f'scaled_dot_product_attention: query {list(query.shape)} and key {list(key.shape)} differ in the embedding dim')
    if value.size(-2) != S:
        raise RuntimeError(f'scaled_dot_product_attention: key {list(key.shape)} and value {list(value.shape)} differ in the sequence length')
    scale = (1.0 / math.sqrt(E) if E > 0 else inf) if scale is None else scale
    scores = (query * scale) @ key.transpose(-2, -1)
    if is_causal:
        attn_mask = torch.ones(L, S, dtype=torch.bool).tril()
    if attn_mask is not None:
        if torch.broadcast_shapes(scores.shape, attn_mask.shape) != scores.shape:
            raise RuntimeError(f'scaled_dot_product_attention: attn_mask of shape {list(attn_mask.shape)} does not broadcast to the scores {list(scores.shape)}')
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, -inf)
        else:
            scores = scores + attn_mask.to(scores.dtype)
    return _SafeSoftmax.apply(scores) @ value


def attention() -> list[dict]:
    g = Group('attention')
    op, f = 'scaled_dot_product_attention', scaled_dot_product_attention
    qkv = lambda r, q, k, v: [A('query', r.randn(*q)), A('key', r.randn(*k)), A('value', r.randn(*v))]  # noqa: E731
    for tag, q, k, v in [('4d', (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2)), ('3d', (2, 4, 3), (2, 4, 3), (2, 4, 3)), ('2d', (3, 4), (5, 4), (5, 2)),
                         ('broadcast-batch', (2, 1, 3, 4), (1, 2, 5, 4), (1, 2, 5, 3)), ('1x1', (1, 1, 1), (1, 1, 1), (1, 1, 1)), ('long-keys', (1, 2, 16), (1, 9, 16), (1, 9, 4)),
                         ('empty-queries', (2, 0, 4), (2, 3, 4), (2, 3, 2)), ('empty-keys', (2, 3, 4), (2, 0, 4), (2, 0, 2)), ('empty-embedding', (2, 3, 0), (2, 4, 0), (2, 4, 2)),
                         ('empty-batch', (0, 2, 3, 4), (0, 2, 3, 4), (0, 2, 3, 4))]:
        g.val(op, tag, lambda r, q=q, k=k, v=v: qkv(r, q, k, v), fn=f,
              note='S = 0: every row is fully masked, so zeros' if tag == 'empty-keys' else 'E = 0: zero scores, a uniform average of value' if tag == 'empty-embedding' else None)
    g.val(op, 'scale', lambda r: qkv(r, (2, 3, 4), (2, 5, 4), (2, 5, 3)), {'scale': 0.3}, fn=f)
    g.val(op, 'dropout-zero', lambda r: qkv(r, (2, 3, 4), (2, 5, 4), (2, 5, 3)), {'dropout_p': 0.0}, fn=f)
    for tag, q, k in [('causal', (2, 2, 4, 3), (2, 2, 4, 3)), ('causal-more-keys', (1, 3, 4), (1, 6, 4)), ('causal-more-queries', (1, 5, 4), (1, 2, 4))]:
        g.val(op, tag, lambda r, q=q, k=k: qkv(r, q, k, k[:-1] + (2,)), {'is_causal': True}, fn=f, note='tril(ones(L, S)) aligned top-left')
    g.val(op, 'causal-scale', lambda r: qkv(r, (2, 4, 3), (2, 4, 3), (2, 4, 3)), {'is_causal': True, 'scale': 2.0}, fn=f)
    for tag, mshape in [('bool-mask-ls', (4, 5)), ('bool-mask-heads', (2, 1, 4, 5)), ('bool-mask-keys', (2, 1, 1, 5)), ('bool-mask-full', (2, 3, 4, 5))]:
        g.val(op, tag, lambda r, mshape=mshape: qkv(r, (2, 3, 4, 6), (2, 3, 5, 6), (2, 3, 5, 2)) + [A('attn_mask', r.bernoulli(*mshape, p=0.7) | torch.eye(4, 5, dtype=torch.bool))], fn=f,
              note='bool mask: true = attend; broadcast over batch and heads')
    mask = B([[True, False, True], [False, False, False], [True, True, True]])
    g.val(op, 'bool-mask-masked-row', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 2)) + [A('attn_mask', mask)], fn=f,
          note='a fully masked row gives zeros and zero gradients, not NaN (PyTorch 2.5 _safe_softmax)')
    g.val(op, 'float-mask', lambda r: qkv(r, (2, 3, 4), (2, 5, 4), (2, 5, 3)) + [A('attn_mask', r.randn(3, 5))], fn=f, note='a float mask is added to the scores (and gets a gradient)')
    g.val(op, 'float-mask-broadcast', lambda r: qkv(r, (2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)) + [A('attn_mask', r.randn(2, 1, 3, 5))], fn=f)
    g.val(op, 'float-mask-neg-inf', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 2)) + [A('attn_mask', T([[0.0, -inf, 1.0], [-inf, -inf, -inf], [-inf, 0.5, 0.0]]), False)], fn=f,
          note='-inf in a float mask masks; a row of -inf gives zeros')
    g.err(op, 'causal-and-mask', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 4)) + [A('attn_mask', B([[True] * 3] * 3))], {'is_causal': True}, fn=f)
    g.err(op, 'dropout-above-1', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 4)), {'dropout_p': 1.5}, fn=f)
    g.err(op, 'dropout-negative', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 4)), {'dropout_p': -0.1}, fn=f)
    g.err(op, 'embedding-mismatch', lambda r: qkv(r, (2, 3, 4), (2, 3, 5), (2, 3, 4)), fn=f)
    g.err(op, 'sequence-mismatch', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 5, 4)), fn=f)
    g.err(op, 'dtype-mismatch', lambda r: [A('query', r.randn(2, 3)), A('key', I([[1, 2, 3], [4, 5, 6]])), A('value', r.randn(2, 3))], fn=f)
    g.err(op, '1d', lambda r: qkv(r, (4,), (3, 4), (3, 4)), fn=f)
    g.err(op, 'int-mask', lambda r: qkv(r, (2, 3, 4), (2, 3, 4), (2, 3, 4)) + [A('attn_mask', I([[1, 0, 1]] * 3))], fn=f)
    g.err(op, 'mask-shape', lambda r: qkv(r, (2, 3, 4), (2, 5, 4), (2, 5, 4)) + [A('attn_mask', B([[True] * 3] * 3))], fn=f, note='the mask must broadcast to [..., L, S]')
    return g.cases


def mha_forward() -> list[dict]:
    """F.multi_head_attention_forward called directly: what nn.MultiheadAttention cannot reach (static_k/static_v)."""
    g = Group('mha_forward')
    op, f = 'multi_head_attention_forward', F.multi_head_attention_forward
    L, S, N, E, H = 3, 5, 2, 4, 2

    def args(r, *, static=False, kpm=False, mask=False, need_weights=True, average=True, bias_kv=False, zero_attn=False, static_shape=(N * H, S, E // H)):
        a = [A('query', r.randn(L, N, E)), A('key', r.randn(S, N, E)), A('value', r.randn(S, N, E)), E, H,
             A('in_proj_weight', r.randn(3 * E, E) * 0.5), A('in_proj_bias', r.randn(3 * E) * 0.1),
             A('bias_k', r.randn(1, 1, E)) if bias_kv else None, A('bias_v', r.randn(1, 1, E)) if bias_kv else None, zero_attn, 0.0,
             A('out_proj_weight', r.randn(E, E) * 0.5), A('out_proj_bias', r.randn(E) * 0.1), False,
             A('key_padding_mask', B([[False] * (S - 1) + [True], [False] * S])) if kpm else None, need_weights,
             A('attn_mask', r.randn(L, S)) if mask else None, False, None, None, None]
        a += [A('static_k', r.randn(*static_shape)), A('static_v', r.randn(*static_shape))] if static else [None, None]
        return a + [average]
    g.val(op, 'plain', lambda r: args(r), fn=f)
    g.val(op, 'static-kv', lambda r: args(r, static=True), fn=f, note='static_k / static_v replace the projected key and value; key and value get no gradient')
    g.val(op, 'static-kv/padding-mask', lambda r: args(r, static=True, kpm=True), fn=f)
    g.val(op, 'static-kv/float-mask/per-head-weights', lambda r: args(r, static=True, mask=True, average=False), fn=f)
    g.val(op, 'static-kv/no-weights', lambda r: args(r, static=True, need_weights=False), fn=f)
    g.val(op, 'bias-kv/zero-attn', lambda r: args(r, bias_kv=True, zero_attn=True), fn=f)
    g.err(op, 'static-k-heads', lambda r: args(r, static=True, static_shape=(N * H + 1, S, E // H)), fn=f)
    g.err(op, 'static-k-head-dim', lambda r: args(r, static=True, static_shape=(N * H, S, E // H + 1)), fn=f)
    g.err(op, 'static-kv-with-bias-kv', lambda r: args(r, static=True, bias_kv=True), fn=f, note='bias_k cannot be added to a static key')
    return g.cases


# ======================================================================================
# tensor ops (issue 20): flip, roll, outer, diag, trace, diff, lerp, isclose/allclose/equal,
# cross, cdist, meshgrid, repeat_interleave, and the dtype/shape methods a porting user meets
# ======================================================================================

def _as_tensor(f):
    """allclose/equal return a Python bool: stored as a 0-d bool tensor (the suite awaits Tensile's Promise<boolean>)."""
    return lambda *a, **k: torch.tensor(f(*a, **k))


def tensor_ops() -> list[dict]:
    g = Group('tensor')
    # flip
    for shape, dims in [((2, 3), [0]), ((2, 3), [1]), ((2, 3, 4), [0, 2]), ((2, 3, 4), [-1, 0, 1]), ((3,), [0]), ((), [0]), ((0, 3), [0, 1]), ((1, 4), [0]), ((2, 3), [])]:
        g.val('flip', f'{shape_tag(shape)}-dims{"".join(map(str, dims)) or "none"}', lambda r, shape=shape, dims=dims: [A('input', r.randn(*shape)), dims], note='a copy; the gradient is flipped back')
    g.val('flip', 'int', [A('input', I([[1, 2, 3], [4, 5, 6]])), [0, 1]])
    g.val('flip', 'bool', [A('input', B([True, False, False])), [0]])
    g.err('flip', 'repeated-dim', lambda r: [A('input', r.randn(2, 3)), [0, 0]])
    g.err('flip', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), [2]])
    # roll
    for tag, shape, shifts, dims in [('1d', (5,), 2, 0), ('neg', (5,), -1, 0), ('big-shift', (4,), 9, 0), ('2d-dim1', (2, 4), 1, 1), ('2d-both', (3, 4), [1, -2], [0, 1]),
                                     ('flattened', (2, 3), 1, None), ('flattened-neg', (2, 3, 2), -5, None), ('same-dim-twice', (5,), [1, 2], [0, 0]), ('scalar', (), 3, None),
                                     ('empty', (0, 3), 1, 0), ('size1', (1, 3), 4, 0), ('zero-shift', (3,), 0, 0)]:
        g.val('roll', tag, lambda r, shape=shape, shifts=shifts, dims=dims: [A('input', r.randn(*shape)), shifts] + ([] if dims is None else [dims]))
    g.val('roll', 'int', [A('input', I([[1, 2, 3], [4, 5, 6]])), 1, 1])
    g.err('roll', 'misaligned', lambda r: [A('input', r.randn(2, 3)), [1, 2], [0]])
    g.err('roll', 'two-shifts-no-dims', lambda r: [A('input', r.randn(2, 3)), [1, 2]])
    g.err('roll', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), 1, 2])
    # outer
    for a, b in [((3,), (4,)), ((1,), (1,)), ((0,), (3,)), ((2,), (0,))]:
        g.val('outer', f'{shape_tag(a)}-{shape_tag(b)}', lambda r, a=a, b=b: [A('input', r.randn(*a)), A('vec2', r.randn(*b))])
    g.val('outer', 'int', [A('input', I([1, 2])), A('vec2', I([3, -1, 2]))])
    g.val('outer', 'bool', [A('input', B([True, False])), A('vec2', B([True, True]))])
    g.err('outer', '2d', lambda r: [A('input', r.randn(2, 2)), A('vec2', r.randn(2))])
    g.err('outer', 'scalar', lambda r: [A('input', r.randn()), A('vec2', r.randn(2))])
    # diag
    for shape, k in [((3,), 0), ((3,), 1), ((3,), -2), ((1,), 0), ((0,), 0), ((3, 4), 0), ((3, 4), 1), ((3, 4), -2), ((4, 3), -3), ((0, 3), 0), ((1, 1), 0)]:
        g.val('diag', f'{shape_tag(shape)}-k{k}', lambda r, shape=shape, k=k: [A('input', r.randn(*shape)), k])
    g.val('diag', 'int', [A('input', I([1, 2, 3])), 1])
    g.val('diag', 'bool', [A('input', B([True, False]))])
    g.val('diag', 'int-matrix', [A('input', I([[1, 2], [3, 4]]))])
    g.err('diag', 'scalar', lambda r: [A('input', r.randn())])
    g.err('diag', '3d', lambda r: [A('input', r.randn(2, 2, 2))])
    # trace
    for shape in [(3, 3), (2, 4), (1, 1), (0, 3)]:
        g.val('trace', shape_tag(shape), lambda r, shape=shape: [A('input', r.randn(*shape))])
    # torch 1.13's trace_backward fills every (cols + 1)-th flat element, which on a tall matrix also
    # hits cells below the diagonal (x[3][0] of a 4x2): the reference is the diagonal's sum instead.
    g.val('trace', '4x2', lambda r: [A('input', r.randn(4, 2))], fn=lambda x: torch.diagonal(x).sum(),
          note="tall matrix: the gradient is the diagonal's (torch 1.13's trace_backward also marks x[3][0], a bug fixed upstream)")
    g.val('trace', 'int', [A('input', I([[1, 2], [3, 4]]))], note='int in, int out')
    g.err('trace', '1d', lambda r: [A('input', r.randn(3))])
    g.err('trace', '3d', lambda r: [A('input', r.randn(2, 2, 2))])
    g.err('trace', 'bool', [A('input', B([[True, False], [True, True]]))])
    # diff
    for tag, shape, n, dim in [('1d', (5,), 1, -1), ('n2', (5,), 2, -1), ('n-equals-len', (3,), 3, -1), ('n-above-len', (3,), 5, 0), ('dim0', (4, 3), 1, 0), ('3d-dim1', (2, 4, 3), 2, 1),
                               ('size1', (1,), 1, 0), ('empty', (0,), 1, 0), ('empty-other-dim', (0, 3), 1, 1), ('n0', (3,), 0, 0)]:
        g.val('diff', tag, lambda r, shape=shape, n=n, dim=dim: [A('input', r.randn(*shape)), n, dim])
    g.val('diff', 'prepend', lambda r: [A('input', r.randn(4)), 1, 0, A('prepend', r.randn(2))])
    g.val('diff', 'append', lambda r: [A('input', r.randn(2, 3)), 1, 0, None, A('append', r.randn(1, 3))])
    g.val('diff', 'prepend-append-n2', lambda r: [A('input', r.randn(2, 3)), 2, 1, A('prepend', r.randn(2, 1)), A('append', r.randn(2, 2))])
    g.val('diff', 'int', [A('input', I([1, 4, 9, 16])), 1, 0])
    g.val('diff', 'bool', [A('input', B([True, False, False, True])), 2, 0], note='bool differences are exclusive or')
    g.err('diff', 'scalar', lambda r: [A('input', r.randn()), 1, 0])
    g.err('diff', 'prepend-ndim', lambda r: [A('input', r.randn(2, 3)), 1, 1, A('prepend', r.randn(3))])
    g.err('diff', 'dim-out-of-range', lambda r: [A('input', r.randn(2, 3)), 1, 2])
    # lerp
    for tag, a, b, w in [('scalar-w', (2, 3), (2, 3), 0.3), ('scalar-w-high', (2, 3), (2, 3), 0.8), ('w0', (3,), (3,), 0.0), ('w1', (3,), (3,), 1.0), ('w-neg', (3,), (3,), -0.5),
                         ('w-above-1', (3,), (3,), 1.5), ('broadcast', (2, 1), (3,), 0.25), ('scalar-in', (), (), 0.6), ('empty', (0, 2), (0, 2), 0.4)]:
        g.val('lerp', tag, lambda r, a=a, b=b, w=w: [A('input', r.randn(*a)), A('end', r.randn(*b)), w])
    for tag, a, b, w in [('tensor-w', (2, 3), (2, 3), (2, 3)), ('tensor-w-broadcast', (3,), (2, 3), (2, 1)), ('tensor-w-scalar', (2, 2), (2, 2), ())]:
        g.val('lerp', tag, lambda r, a=a, b=b, w=w: [A('input', r.randn(*a)), A('end', r.randn(*b)), A('weight', r.uniform(*w, lo=-0.5, hi=1.5))])
    g.err('lerp', 'int', [A('input', I([1, 2])), A('end', I([3, 4])), 0.5])
    g.err('lerp', 'shape', lambda r: [A('input', r.randn(2)), A('end', r.randn(3)), 0.5])
    # isclose / allclose / equal
    near = lambda r, shape: [A('input', r.randn(*shape), False), A('other', r.randn(*shape) * 1e-5, False)]  # noqa: E731
    vals = T([1.0, 1.0, 0.0, nan, inf, -inf, inf, 1e-9, 100.0, 2.0])
    others = T([1.0, 1.00001, 1e-9, nan, inf, inf, nan, 0.0, 100.01, 2.1])
    for tag, kw in [('default', {}), ('equal-nan', {'equal_nan': True}), ('rtol', {'rtol': 1e-3}), ('atol', {'atol': 0.2}), ('zero-tol', {'rtol': 0.0, 'atol': 0.0})]:
        g.val('isclose', tag, [A('input', vals, False), A('other', others, False)], kw)
        g.val('allclose', tag, [A('input', vals[:3], False), A('other', others[:3], False)], kw, fn=_as_tensor(torch.allclose))
    g.val('isclose', 'broadcast', lambda r: [A('input', r.randn(2, 3), False), A('other', r.randn(3), False)], {'atol': 1.0})
    g.val('isclose', 'empty', lambda r: [A('input', r.randn(0, 2), False), A('other', r.randn(0, 2), False)])
    g.val('isclose', 'int', [A('input', I([100, 2, 5])), A('other', I([101, 5, 5]))], {'rtol': 0.01, 'atol': 0.0})
    g.val('isclose', 'bool', [A('input', B([True, False])), A('other', B([True, True]))])
    g.err('isclose', 'dtype-mismatch', [A('input', T([1.0])), A('other', I([1]))])
    g.err('isclose', 'negative-rtol', [A('input', T([1.0]), False), A('other', T([1.0]), False)], {'rtol': -1.0})
    g.err('isclose', 'negative-atol', [A('input', T([1.0]), False), A('other', T([1.0]), False)], {'atol': -1.0})
    g.val('allclose', 'far', [A('input', T([1.0, 2.0]), False), A('other', T([1.0, 2.5]), False)], fn=_as_tensor(torch.allclose))
    g.val('allclose', 'broadcast', [A('input', T([[1.0, 2.0], [1.0, 2.0]]), False), A('other', T([1.0, 2.0]), False)], fn=_as_tensor(torch.allclose))
    g.val('allclose', 'empty', lambda r: [A('input', r.randn(0), False), A('other', r.randn(0), False)], fn=_as_tensor(torch.allclose))
    g.err('allclose', 'shape', lambda r: [A('input', r.randn(2, 2), False), A('other', r.randn(3), False)], fn=_as_tensor(torch.allclose))
    for tag, a, b in [('same', T([1.0, 2.0]), T([1.0, 2.0])), ('differ', T([1.0, 2.0]), T([1.0, 2.5])), ('shape', T([1.0, 2.0]), T([[1.0, 2.0]])), ('nan', T([nan]), T([nan])),
                      ('scalar', T(3.0), T(3.0)), ('empty', T([]), T([])), ('int', I([1, 2]), I([1, 2])), ('bool', B([True]), B([False]))]:
        g.val('equal', tag, [A('input', a, False), A('other', b, False)], fn=_as_tensor(torch.equal))
    # cross
    for tag, a, b, dim in [('1d', (3,), (3,), 0), ('2d-dim1', (4, 3), (4, 3), 1), ('2d-dim0', (3, 2), (3, 2), 0), ('broadcast', (2, 3), (1, 3), 1), ('neg-dim', (2, 2, 3), (2, 2, 3), -1),
                           ('default-dim', (2, 3, 3), (2, 3, 3), None), ('empty', (0, 3), (0, 3), 1)]:
        g.val('cross', tag, lambda r, a=a, b=b, dim=dim: [A('input', r.randn(*a)), A('other', r.randn(*b))] + ([] if dim is None else [dim]),
              note='without dim: the first dim of size 3' if dim is None else None)
    g.val('cross', 'int', [A('input', I([1, 2, 3])), A('other', I([4, 5, 6])), 0])
    g.err('cross', 'not-3', lambda r: [A('input', r.randn(2, 3)), A('other', r.randn(2, 3)), 0])
    g.err('cross', 'no-size-3', lambda r: [A('input', r.randn(2, 2)), A('other', r.randn(2, 2))])
    g.err('cross', 'bool', [A('input', B([True, False, True])), A('other', B([True, True, False])), 0])
    # cdist
    for tag, a, b, kw in [('p2', (3, 4), (5, 4), {}), ('p1', (3, 4), (5, 4), {'p': 1.0}), ('p3', (3, 2), (4, 2), {'p': 3.0}), ('p-half', (3, 2), (4, 2), {'p': 0.5}),
                          ('p-inf', (3, 4), (2, 4), {'p': inf}), ('p0', (3, 4), (2, 4), {'p': 0.0}), ('batched', (2, 3, 4), (2, 5, 4), {}), ('batch-broadcast', (2, 1, 3, 2), (4, 5, 2), {}),
                          ('single-rows', (1, 3), (1, 3), {}), ('empty-rows', (0, 3), (4, 3), {}), ('empty-cols', (3, 0), (2, 0), {}), ('many-rows', (30, 3), (27, 3), {}),
                          ('donot-use-mm', (3, 2), (4, 2), {'compute_mode': 'donot_use_mm_for_euclid_dist'})]:
        g.val('cdist', tag, lambda r, a=a, b=b: [A('x1', r.randn(*a)), A('x2', r.randn(*b))], kw,
              note='above 25 rows PyTorch switches to its mm form; the float64 reference does not change' if tag == 'many-rows' else None)
    g.val('cdist', 'zero-distance', [A('x1', T([[1.0, 2.0], [0.5, -1.0]])), A('x2', T([[1.0, 2.0], [3.0, 1.0]]))], note='a zero distance has a zero gradient')
    g.err('cdist', '1d', lambda r: [A('x1', r.randn(3)), A('x2', r.randn(3))])
    g.err('cdist', 'int', [A('x1', I([[1, 2]])), A('x2', I([[1, 2]]))])
    g.err('cdist', 'negative-p', lambda r: [A('x1', r.randn(3, 2)), A('x2', r.randn(3, 2))], {'p': -1.0})
    g.err('cdist', 'columns', lambda r: [A('x1', r.randn(3, 2)), A('x2', r.randn(3, 3))])
    # meshgrid
    for tag, shapes, kw in [('ij', [(3,), (2,)], {'indexing': 'ij'}), ('xy', [(3,), (2,)], {'indexing': 'xy'}), ('three-ij', [(2,), (3,), (4,)], {'indexing': 'ij'}),
                            ('three-xy', [(2,), (3,), (4,)], {'indexing': 'xy'}), ('one-xy', [(3,)], {'indexing': 'xy'}), ('scalar', [(), (2,)], {'indexing': 'ij'}),
                            ('empty', [(0,), (2,)], {'indexing': 'xy'})]:
        g.val('meshgrid', tag, lambda r, shapes=shapes: [A('tensors', [r.randn(*s) for s in shapes])], kw)
    g.val('meshgrid', 'int', [A('tensors', [I([1, 2]), I([3, 4, 5])])], {'indexing': 'ij'})
    g.err('meshgrid', '2d', lambda r: [A('tensors', [r.randn(2, 2), r.randn(2)])], {'indexing': 'ij'})
    g.err('meshgrid', 'bad-indexing', lambda r: [A('tensors', [r.randn(2), r.randn(2)])], {'indexing': 'ab'})
    g.err('meshgrid', 'dtype-mismatch', [A('tensors', [T([1.0, 2.0]), I([1, 2])], False)], {'indexing': 'ij'})
    # repeat_interleave
    for tag, shape, reps, dim in [('flat', (2, 3), 2, None), ('dim0', (2, 3), 3, 0), ('dim1', (2, 3), 2, 1), ('neg-dim', (2, 2, 2), 2, -1), ('zero', (2, 3), 0, 1),
                                  ('one', (3,), 1, 0), ('scalar', (), 3, None), ('empty', (0, 2), 2, 1)]:
        g.val('repeat_interleave', tag, lambda r, shape=shape, reps=reps, dim=dim: [A('input', r.randn(*shape)), reps] + ([] if dim is None else [dim]))
    g.val('repeat_interleave', 'int', [A('input', I([[1, 2], [3, 4]])), 2, 0])
    g.val('repeat_interleave', 'bool', [A('input', B([True, False])), 2])
    g.err('repeat_interleave', 'negative', lambda r: [A('input', r.randn(3)), -1])
    g.err('repeat_interleave', 'dim-out-of-range', lambda r: [A('input', r.randn(3)), 2, 1])
    # dtype and shape methods
    for op in ['float', 'int', 'long', 'bool']:
        g.val(op, 'float', [A('input', T([[1.5, -2.7, 0.0], [-0.0, 3.0, 0.25]]), op == 'float')], note='float to int truncates toward zero')
        g.val(op, 'int', [A('input', I([1, 0, -3]))])
        g.val(op, 'bool', [A('input', B([True, False]))])
        g.val(op, 'scalar', [A('input', T(2.5), op == 'float')])
    g.val('bool', 'specials', [A('input', T([nan, inf, -0.0, 1e-30]), False)], note='NaN is true, -0 false')
    for tag, a, b in [('to-int', T([1.5, -2.5]), I([1])), ('to-float', I([1, 2]), T([0.0])), ('to-bool', T([0.0, 2.0]), B([True])), ('same', T([1.0, 2.0]), T([3.0]))]:
        g.val('type_as', tag, [A('input', a, a.dtype.is_floating_point and b.dtype.is_floating_point), A('other', b, False)])
    for tag, a, b in [('2x3-3x2', (2, 3), (3, 2)), ('to-flat', (2, 3), (6,)), ('scalar', (1,), ()), ('empty', (0, 3), (3, 0))]:
        g.val('view_as', tag, lambda r, a=a, b=b: [A('input', r.randn(*a)), A('other', r.randn(*b), False)])
        g.val('reshape_as', tag, lambda r, a=a, b=b: [A('input', r.randn(*a)), A('other', r.randn(*b), False)])
    g.err('view_as', 'numel', lambda r: [A('input', r.randn(2, 3)), A('other', r.randn(4), False)])
    g.err('reshape_as', 'numel', lambda r: [A('input', r.randn(2, 3)), A('other', r.randn(4), False)])
    return g.cases


# ======================================================================================
# sort-based and reduction tensor ops (issue 20): one group per op
# ======================================================================================

# Ties in every line (and -0 == 0), so an index rule that differs from PyTorch's shows.
TIES = [[2.0, 1.0, 2.0, 1.0, 3.0, 2.0], [0.0, 5.0, -0.0, 5.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [4.0, -1.0, 3.0, 4.0, -1.0, 3.0]]


def argsort_ties_cases() -> list[dict]:
    g = Group('argsort')
    for desc in [False, True]:
        d = '-desc' if desc else ''
        g.val('argsort', f'ties{d}', [A('input', T(TIES))], {'dim': 1, 'descending': desc}, note="ties keep their order (PyTorch 1.13's CPU sort is stable here)")
        g.val('argsort', f'ties-dim0{d}', [A('input', T(TIES))], {'dim': 0, 'descending': desc})
        g.val('argsort', f'int-ties{d}', [A('input', I([[3, -1, 7, 3, -1, 7], [0, 0, 0, 1, 1, 0]]))], {'dim': 1, 'descending': desc})
    return g.cases


def tile_cases() -> list[dict]:
    g = Group('tile')
    for tag, shape, dims in [('same-ndim', (2, 3), (2, 2)), ('fewer-dims', (2, 3), (3,)), ('more-dims', (2, 3), (2, 1, 2)), ('ones', (2, 3), (1, 1)), ('zero', (2, 3), (0, 2)),
                             ('scalar', (), (3,)), ('scalar-2d', (), (2, 3)), ('empty', (0, 2), (2, 3)), ('empty-dims', (2, 3), ()), ('3d', (2, 1, 3), (1, 3, 2))]:
        g.val('tile', tag, lambda r, shape=shape, dims=dims: [A('input', r.randn(*shape)), list(dims)])
    g.val('tile', 'int', [A('input', I([[1, 2], [3, 4]])), [2, 1]])
    g.val('tile', 'bool', [A('input', B([True, False])), [2, 2]])
    g.err('tile', 'negative', lambda r: [A('input', r.randn(2)), [-1]])
    return g.cases


def hypot_cases() -> list[dict]:
    g = Group('hypot')
    for tag, a, b in [('same', (3, 4), (3, 4)), ('broadcast', (3, 1), (1, 4)), ('scalar', (), ()), ('scalar-other', (2, 3), ()), ('empty', (0, 3), (0, 3)), ('3d', (2, 3, 4), (3, 1))]:
        g.val('hypot', tag, lambda r, a=a, b=b: [A('input', r.randn(*a)), A('other', r.randn(*b))])
    g.val('hypot', 'large', [A('input', T([1e20, -3e30, 1e-25, 3.0])), A('other', T([1e20, 4e30, 1e-25, -4.0]))], note='no overflow or underflow: 1e20 squared is not float32')
    g.val('hypot', 'specials', [A('input', T([0.0, -0.0, inf, -inf, nan, nan, 2.0, inf]), False), A('other', T([0.0, 0.0, nan, 1.0, 1.0, nan, -inf, inf]), False)], note='an infinite input gives inf even beside NaN')
    g.val('hypot', 'zero-gradient', [A('input', T([0.0, 3.0])), A('other', T([0.0, 0.0]))], note='at (0, 0) the gradient is NaN (0 / 0), as PyTorch')
    g.err('hypot', 'int', [A('input', I([3, 4])), A('other', I([4, 3]))])
    g.err('hypot', 'shape', lambda r: [A('input', r.randn(2, 3)), A('other', r.randn(4))])
    return g.cases


def cumextreme_cases(op: str) -> list[dict]:
    g = Group(op)
    for shape, dim in [((3, 5), 1), ((3, 5), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((7,), 0), ((), 0), ((0, 3), 0), ((0, 3), 1), ((1, 9), 1)]:
        g.val(op, f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape))], {'dim': dim})
    g.val(op, 'ties', [A('input', T(TIES))], {'dim': 1}, note='on ties the later index wins (x >= best)')
    g.val(op, 'ties-dim0', [A('input', T(TIES))], {'dim': 0})
    g.val(op, 'nan', [A('input', T([[1.0, nan, 2.0, nan, 5.0, -inf], [inf, 1.0, inf, -inf, nan, 0.0]]))], {'dim': 1}, note='a NaN holds from where it appears; its index is the latest NaN')
    g.val(op, 'long', lambda r: [A('input', r.randn(2, 37))], {'dim': 1})
    g.val(op, 'int', [A('input', I([[3, -1, 7, 7, 2, -1], [0, 5, -2, 5, 1, -2]]))], {'dim': 1})
    g.val(op, 'bool', [A('input', B([[True, False, True, False], [False, False, True, True]]))], {'dim': 1})
    g.err(op, 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
    return g.cases


def logcumsumexp_cases() -> list[dict]:
    g = Group('logcumsumexp')
    for shape, dim in [((3, 5), 1), ((3, 5), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((7,), 0), ((), 0), ((0, 3), 0), ((0, 3), 1), ((1, 9), 1)]:
        g.val('logcumsumexp', f'{shape_tag(shape)}-dim{dim}', lambda r, shape=shape: [A('input', r.randn(*shape, scale=3.0))], {'dim': dim})
    g.val('logcumsumexp', 'long', lambda r: [A('input', r.randn(2, 40, scale=3.0))], {'dim': 1})
    g.val('logcumsumexp', 'wide-range', [A('input', T([[-1000.0, 0.0, -200.0, 100.0, 99.0, -50.0], [500.0, -500.0, 80.0, 500.0, 0.0, 1.0]]))], {'dim': 1},
          note='prefixes far below the later maximum stay exact (no underflow to -inf)')
    g.val('logcumsumexp', 'specials', [A('input', T([[-1000.0, 0.0, -inf, inf, 1.0], [-inf, -inf, 2.0, nan, 0.0]]), False)], {'dim': 1})
    g.err('logcumsumexp', 'int', [A('input', I([[1, 2, 3]]))], {'dim': 1})
    g.err('logcumsumexp', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4))], {'dim': 2})
    return g.cases


def median_cases() -> list[dict]:
    g = Group('median')
    for shape in [(3, 5), (6,), (2, 3, 4), (), (1,), (4, 1)]:
        g.val('median', f'all-{shape_tag(shape)}', lambda r, shape=shape: [A('input', r.randn(*shape))])
    for shape, dim in [((3, 5), 1), ((3, 4), 1), ((3, 5), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((6,), 0), ((), 0), ((0, 3), 1), ((1, 1), 1)]:
        for keep in [False, True]:
            g.val('median', f'{shape_tag(shape)}-dim{dim}{"-keepdim" if keep else ""}', lambda r, shape=shape, dim=dim: [A('input', r.randn(*shape)), dim], {'keepdim': keep})
    g.val('median', 'ties', [A('input', T(TIES)), 1], note='the index of the value a stable sort puts at (n - 1) / 2')
    g.val('median', 'ties-dim0', [A('input', T(TIES)), 0])
    g.val('median', 'all-ties', [A('input', T(TIES))], note='the gradient is shared evenly by every entry equal to the median')
    g.val('median', 'nan', [A('input', T([[1.0, nan, 2.0, nan], [3.0, 1.0, 2.0, 0.0], [inf, -inf, 0.5, 0.5]])), 1], note='a line with a NaN: NaN at its first NaN')
    g.val('median', 'all-nan', [A('input', T([[1.0, nan, 2.0], [nan, 0.0, 3.0]]))], note='NaN; the gradient is shared by the NaNs')
    g.val('median', 'int', [A('input', I([[3, -1, 7, 2, -1], [0, 5, 5, 1, 5]])), 1])
    g.val('median', 'all-int', [A('input', I([[3, -1, 7, 2], [0, 5, 5, 1]]))])
    g.val('median', 'all-empty', [A('input', T([]))], note='the median of nothing is NaN')
    g.err('median', 'empty-dim', [A('input', torch.zeros(0, 3)), 0])
    g.err('median', 'bool', [A('input', B([True, False, True]))])
    g.err('median', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4)), 2])
    return g.cases


def kthvalue_cases() -> list[dict]:
    g = Group('kthvalue')
    for shape, k, dim in [((7,), 3, 0), ((3, 5), 2, 1), ((3, 5), 3, 0), ((2, 3, 4), 2, -1), ((2, 3, 4), 1, 1), ((2, 3, 4), 2, -3), ((6,), 1, 0), ((6,), 6, 0),
                          ((4, 5), 5, 1), ((), 1, 0), ((1, 1), 1, 1), ((3, 0), 1, 0)]:
        for keep in [False, True]:
            g.val('kthvalue', f'{shape_tag(shape)}-k{k}-dim{dim}{"-keepdim" if keep else ""}', lambda r, shape=shape, k=k, dim=dim: [A('input', r.randn(*shape)), k, dim], {'keepdim': keep})
    g.val('kthvalue', 'default-dim', lambda r: [A('input', r.randn(3, 4)), 2], note='dim defaults to the last')
    for k in range(1, 7):
        g.val('kthvalue', f'ties-k{k}', [A('input', T(TIES)), k, 1], note="the index PyTorch's quickselect lands on among tied values")
    g.val('kthvalue', 'ties-dim0', [A('input', T(TIES)), 2, 0])
    g.val('kthvalue', 'ties-long', lambda r: [A('input', r.randint(0, 3, 4, 37).to(torch.float32)), 17, 1])
    for k in [1, 3, 5, 6]:
        g.val('kthvalue', f'nan-k{k}', [A('input', T([[1.0, nan, 2.0, nan, 0.5, 2.0], [3.0, 1.0, 2.0, 0.0, nan, 1.0], [inf, -inf, 0.5, 0.5, nan, -inf]])), k, 1],
              note='NaN counts as the largest')
    g.val('kthvalue', 'int', [A('input', I([[3, -1, 7, 2, -1], [0, 5, 5, 1, 5]])), 2, 1])
    g.val('kthvalue', 'int-ties', [A('input', I([[5, 5, 5, 1, 5, 5, 0], [2, 2, 1, 1, 2, 2, 1]])), 4, 1])
    g.err('kthvalue', 'k-zero', lambda r: [A('input', r.randn(3, 4)), 0, 1])
    g.err('kthvalue', 'k-too-large', lambda r: [A('input', r.randn(3, 4)), 5, 1])
    g.err('kthvalue', 'k-too-large-0d', [A('input', T(1.5)), 2])
    g.err('kthvalue', 'empty-dim', [A('input', torch.zeros(0, 3)), 1, 0])
    g.err('kthvalue', 'bool', [A('input', B([True, False, True])), 1])
    g.err('kthvalue', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4)), 1, 2])
    return g.cases


def quantile_cases() -> list[dict]:
    g = Group('quantile')
    qs = T([0.0, 0.1, 0.25, 0.5, 0.7, 1.0])
    for mode in ['linear', 'lower', 'higher', 'midpoint', 'nearest']:
        g.val('quantile', f'{mode}-all', lambda r: [A('input', r.randn(3, 5)), A('q', qs, False)], {'interpolation': mode})
        g.val('quantile', f'{mode}-dim1', lambda r: [A('input', r.randn(3, 5)), A('q', qs, False)], {'dim': 1, 'interpolation': mode})
        g.val('quantile', f'{mode}-dim0-keepdim', lambda r: [A('input', r.randn(4, 3)), 0.4], {'dim': 0, 'keepdim': True, 'interpolation': mode})
        # q * 5 must not land near a half for nearest: 0.1 * 5 is 0.5 in float64 but above it in float32.
        g.val('quantile', f'{mode}-ties', [A('input', T(TIES)), A('q', T([0.0, 0.25, 0.5, 0.6, 1.0]) if mode == 'nearest' else qs, False)], {'dim': 1, 'interpolation': mode})
    g.val('quantile', 'nearest-half', [A('input', T([[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 4.0, 3.0, 2.0, 1.0]])), A('q', T([0.125, 0.375, 0.625, 0.875]), False)], {'dim': 1, 'interpolation': 'nearest'},
          note='nearest rounds half positions to even, as torch.round')
    g.val('quantile', 'scalar-q', lambda r: [A('input', r.randn(3, 5)), 0.3], {'dim': 1})
    g.val('quantile', 'q-0d', lambda r: [A('input', r.randn(3, 5)), A('q', T(0.6), False)], {'dim': -1})
    g.val('quantile', 'all-keepdim', lambda r: [A('input', r.randn(2, 3, 4)), A('q', T([0.2, 0.9]), False)], {'keepdim': True})
    g.val('quantile', '3d-dim1', lambda r: [A('input', r.randn(2, 3, 4)), A('q', T([0.2, 0.9]), False)], {'dim': 1})
    g.val('quantile', 'scalar-input', lambda r: [A('input', r.randn()), 0.5])
    g.val('quantile', 'one', lambda r: [A('input', r.randn(4, 1)), A('q', qs, False)], {'dim': 1})
    g.val('quantile', 'nan', [A('input', T([[1.0, nan, 2.0, 0.5], [3.0, 1.0, 2.0, 0.0]])), A('q', T([0.0, 0.5, 1.0]), False)], {'dim': 1}, note='a line with a NaN gives NaN')
    g.err('quantile', 'q-above-one', lambda r: [A('input', r.randn(3)), 1.5])
    g.err('quantile', 'q-negative', lambda r: [A('input', r.randn(3)), A('q', T([0.5, -0.1]), False)])
    g.err('quantile', 'int', [A('input', I([1, 2, 3])), 0.5])
    g.err('quantile', 'empty', [A('input', T([])), 0.5])
    g.err('quantile', 'q-2d', lambda r: [A('input', r.randn(3)), A('q', T([[0.5]]), False)])
    g.err('quantile', 'bad-interpolation', lambda r: [A('input', r.randn(3)), 0.5], {'interpolation': 'foo'})
    g.err('quantile', 'dim-out-of-range', lambda r: [A('input', r.randn(3, 4)), 0.5], {'dim': 2})
    return g.cases


def searchsorted_cases() -> list[dict]:
    g = Group('searchsorted')
    seq = T([-1.0, 0.0, 0.0, 0.5, 2.0, 2.0, 2.0, 3.0])
    vals = T([[-2.0, -1.0, 0.0, 0.25], [2.0, 3.0, 4.0, 0.5]])
    for kw, tag in [({}, 'left'), ({'right': True}, 'right'), ({'side': 'right'}, 'side-right'), ({'side': 'left', 'right': False}, 'side-left'), ({'out_int32': True}, 'out-int32')]:
        g.val('searchsorted', f'1d-{tag}', [A('sorted_sequence', seq, False), A('input', vals, False)], kw, note='values on and between boundaries, repeated boundaries')
    g.val('searchsorted', 'nd-left', [A('sorted_sequence', T([[0.0, 1.0, 1.0, 3.0], [-2.0, -1.0, 5.0, 5.0]]), False), A('input', T([[1.0, 3.5, -1.0], [5.0, -3.0, 0.0]]), False)])
    g.val('searchsorted', 'nd-right', [A('sorted_sequence', T([[0.0, 1.0, 1.0, 3.0], [-2.0, -1.0, 5.0, 5.0]]), False), A('input', T([[1.0, 3.5, -1.0], [5.0, -3.0, 0.0]]), False)], {'right': True})
    g.val('searchsorted', 'random', lambda r: [A('sorted_sequence', r.randn(2, 3, 10).sort(-1).values, False), A('input', r.randn(2, 3, 7), False)])
    g.val('searchsorted', 'scalar-value', [A('sorted_sequence', seq, False), 2.0], {'right': True})
    g.val('searchsorted', 'int', [A('sorted_sequence', I([1, 3, 3, 7]), False), A('input', I([[0, 3], [7, 8]]), False)])
    g.val('searchsorted', 'empty-values', [A('sorted_sequence', seq, False), A('input', T([]), False)])
    g.val('searchsorted', 'empty-sequence', [A('sorted_sequence', T([]), False), A('input', T([1.0, 2.0]), False)])
    g.val('searchsorted', 'sorter', [A('sorted_sequence', T([3.0, -1.0, 2.0, 0.0, 2.0]), False), A('input', T([2.0, -2.0, 0.5, 5.0]), False), A('sorter', I([1, 3, 2, 4, 0]), False)],
          fn=lambda s, v, sorter, **k: torch.searchsorted(s, v, sorter=sorter, **k), note='an unsorted sequence with the indices that sort it')
    g.val('searchsorted', 'sorter-right', [A('sorted_sequence', T([3.0, -1.0, 2.0, 0.0, 2.0]), False), A('input', T([2.0, -2.0, 0.5, 5.0]), False), A('sorter', I([1, 3, 2, 4, 0]), False)],
          {'right': True}, fn=lambda s, v, sorter, **k: torch.searchsorted(s, v, sorter=sorter, **k))
    g.err('searchsorted', 'leading-dims', [A('sorted_sequence', T([[1.0, 2.0], [3.0, 4.0]]), False), A('input', T([2.0, 3.0]), False)])
    g.err('searchsorted', 'scalar-sequence', [A('sorted_sequence', T(1.0), False), A('input', T([2.0]), False)])
    g.err('searchsorted', 'scalar-value-nd', [A('sorted_sequence', T([[1.0, 2.0]]), False), 2.0])
    g.err('searchsorted', 'side-right-conflict', [A('sorted_sequence', T([1.0, 2.0]), False), A('input', T([2.0]), False)], {'side': 'left', 'right': True})
    g.err('searchsorted', 'bad-side', [A('sorted_sequence', T([1.0, 2.0]), False), A('input', T([2.0]), False)], {'side': 'foo'})
    g.err('searchsorted', 'sorter-shape', [A('sorted_sequence', T([1.0, 2.0]), False), A('input', T([2.0]), False), A('sorter', I([0]), False)],
          fn=lambda s, v, sorter, **k: torch.searchsorted(s, v, sorter=sorter, **k))
    return g.cases


def bincount_cases() -> list[dict]:
    g = Group('bincount')
    x = I([0, 1, 1, 3, 7, 3, 3, 0])
    g.val('bincount', 'counts', [A('input', x)])
    g.val('bincount', 'minlength', [A('input', x)], {'minlength': 10})
    g.val('bincount', 'minlength-short', [A('input', x)], {'minlength': 2}, note='minlength below max + 1 changes nothing')
    g.val('bincount', 'weights', [A('input', x), A('weights', T([0.5, 1.0, -2.0, 3.0, 0.25, 1.5, -1.0, 2.0]), False)])
    g.val('bincount', 'weights-minlength', [A('input', x), A('weights', T([0.5, 1.0, -2.0, 3.0, 0.25, 1.5, -1.0, 2.0]), False)], {'minlength': 9})
    g.val('bincount', 'int-weights', [A('input', I([0, 2, 2])), A('weights', I([1, 2, 3]), False)], note='integer weights sum in float64 in PyTorch')
    g.val('bincount', 'empty', [A('input', I([]))])
    g.val('bincount', 'empty-minlength', [A('input', I([]))], {'minlength': 3})
    g.val('bincount', 'random', lambda r: [A('input', r.randint(0, 20, 50))])
    g.err('bincount', 'negative', [A('input', I([-1, 2]))])
    g.err('bincount', '2d', [A('input', I([[1, 2]]))])
    g.err('bincount', 'float', [A('input', T([1.0, 2.0]), False)])
    g.err('bincount', 'bool', [A('input', B([True, False]))])
    g.err('bincount', 'weights-length', [A('input', I([1, 2])), A('weights', T([1.0]), False)])
    g.err('bincount', 'negative-minlength', [A('input', I([1, 2]))], {'minlength': -1})
    return g.cases


def repeat_interleave_tensor_cases() -> list[dict]:
    g = Group('repeat_interleave_tensor')
    for tag, shape, reps, dim in [('dim0', (3, 2), [1, 0, 2], 0), ('dim1', (2, 3), [2, 1, 3], 1), ('neg-dim', (2, 2, 3), [0, 1, 2], -1), ('flat', (2, 2), [1, 2, 0, 3], None),
                                  ('one-count', (2, 3), [2], 1), ('0d-count', (2, 3), 3, 0), ('flat-one-count', (2, 2), [2], None), ('scalar', (), [3], None), ('all-zero', (2, 2), [0, 0], 0),
                                  ('empty', (0, 2), [], 0)]:
        g.val('repeat_interleave', f'tensor-{tag}', lambda r, shape=shape, reps=reps, dim=dim: [A('input', r.randn(*shape)), A('repeats', I(reps), False)] + ([] if dim is None else [dim]))
    g.val('repeat_interleave', 'tensor-int', [A('input', I([[1, 2], [3, 4]])), A('repeats', I([2, 1]), False), 1])
    g.err('repeat_interleave', 'tensor-length', lambda r: [A('input', r.randn(2, 2)), A('repeats', I([1, 2, 3]), False), 0])
    g.err('repeat_interleave', 'tensor-negative', lambda r: [A('input', r.randn(2, 2)), A('repeats', I([1, -2]), False), 0])
    g.err('repeat_interleave', 'tensor-float', lambda r: [A('input', r.randn(2, 2)), A('repeats', T([1.0, 2.0]), False), 0])
    g.err('repeat_interleave', 'tensor-2d', lambda r: [A('input', r.randn(2, 2)), A('repeats', I([[1, 2]]), False), 0])
    return g.cases

from . import ops_recurrent, ops_spatial  # noqa: E402 - after the helpers they use (Group, A, T, ...)

GROUPS = {
    'elementwise': elementwise,
    'reduce': reduce,
    'scan': scan,
    'shape': shape,
    'index': index,
    'nn': nn,
    'matmul': matmul,
    'conv': conv,
    'misc': misc,
    'attention': attention,
    'mha_forward': mha_forward,
    'tensor': tensor_ops,
    'argsort': argsort_ties_cases,
    'tile': tile_cases,
    'hypot': hypot_cases,
    'cummax': lambda: cumextreme_cases('cummax'),
    'cummin': lambda: cumextreme_cases('cummin'),
    'logcumsumexp': logcumsumexp_cases,
    'median': median_cases,
    'kthvalue': kthvalue_cases,
    'quantile': quantile_cases,
    'searchsorted': searchsorted_cases,
    'bincount': bincount_cases,
    'repeat_interleave_tensor': repeat_interleave_tensor_cases,
    'recurrent_embedding': ops_recurrent.cases,
    'spatial': ops_spatial.spatial,
}


def generate(folder):
    n = 0
    for name, build in GROUPS.items():
        cases = build()
        write_cases(folder / f'{name}.json', header('ops', name, NOTES), cases)
        n += len(cases)
    return n
