"""Core tensor ops: ops/<group>.json, torch.<op>(*args, **kwargs)."""

import torch

from .common import Arg, Rng, expect_error, forward_case, header, write_cases

NOTES = [
    'args are the positional arguments of the call, in order: a tensor is {name, tensor, requiresGrad}, a list of tensors is {name, tensors, requiresGrad}, anything else is a plain JSON value',
    'kwargs are keyword arguments (camelCase); a special float is a string',
    'grads maps each tensor arg name with requiresGrad to its gradient (a list for a tensor list)',
    'a case with error instead of output is bad input that torch rejects',
]


def case(op, cid, fn, args, kwargs=None, **extra):
    rng = Rng(f'ops/{cid}')
    c = {'id': cid, 'op': op, **extra}
    kw = kwargs or {}
    c['kwargs'] = kw
    return forward_case(c, lambda *a: fn(*a, **kw), args(rng), rng=rng)


def elementwise():
    out = []
    for shape in [(3, 4), (), (0, 3)]:
        tag = 'x'.join(map(str, shape)) or 'scalar'
        out.append(case('add', f'add/{tag}', torch.add, lambda r: [Arg('input', r.randn(*shape), True), Arg('other', r.randn(*shape), True)]))
        out.append(case('exp', f'exp/{tag}', torch.exp, lambda r: [Arg('input', r.randn(*shape), True)]))
    r = Rng('ops/mul/error')
    out.append(expect_error({'id': 'mul/error/shape-mismatch', 'op': 'mul', 'args': [Arg('input', r.randn(3, 4), True).encode(), Arg('other', r.randn(2, 4)).encode()], 'kwargs': {}},
                            lambda: torch.mul(torch.zeros(3, 4), torch.zeros(2, 4))))
    return out


GROUPS = {'elementwise': elementwise}


def generate(folder):
    n = 0
    for name, build in GROUPS.items():
        cases = build()
        write_cases(folder / f'{name}.json', header('ops', name, NOTES), cases)
        n += len(cases)
    return n
