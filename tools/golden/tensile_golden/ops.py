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
    for ns in (torch, F):
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
        g.val(op, 'specials', [A('input', T(SPECIALS))], note='NaN, +-inf, -0, tiny and huge inputs (and the gradient there)')
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
    g.val('sin', 'large', [A('input', T([1e3, -1e3, 100.0, 3.14159265, -3.14159265, 1.5707964, 0.0, -0.0]))])
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
        scal = {'add': 2.5, 'sub': -1.5, 'mul': 3.0, 'div': 4.0, 'pow': 2.0, 'maximum': None, 'minimum': None, 'remainder': 1.5}[op]
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
    for op in ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'remainder']:
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


def elementwise() -> list[dict]:
    g = Group('elementwise')
    unary_cases(g)
    binary_cases(g)
    pow_cases(g)
    where_clamp_cases(g)
    return g.cases


GROUPS = {
    'elementwise': elementwise,
}


def generate(folder):
    n = 0
    for name, build in GROUPS.items():
        cases = build()
        write_cases(folder / f'{name}.json', header('ops', name, NOTES), cases)
        n += len(cases)
    return n
