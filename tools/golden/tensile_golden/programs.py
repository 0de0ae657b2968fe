"""Random programs: programs/<group>.json, PyTorch's word on the conformance fuzzer's program format.

A program is the fuzzer's JSON (packages/conformance/src/fuzz.ts): a list of
steps, each an op on earlier values (`args` are value numbers, a step's
result is value number <its index>), then a loss, the sum over `loss` of
sum(v * w) with the fixed weights w_i = 1 + 0.25 * ((7 i mod 5) - 2), and
backward. This module interprets that format with PyTorch (each step a plain
torch call, Python numbers as Python numbers: pow(x, -0.5) is PyTorch's
rsqrt) and makes its own programs from fixed seeds, with Python's `random`
(no Node): random shapes with size-0 and size-1 dims, special values, views,
broadcasting, reductions, scans, sort/topk, indexing, matmul, cat/stack and
in-place ops on non-leaves. Each step is run as it is made and dropped when
PyTorch rejects it, so a program runs to its end; a backward that PyTorch
rejects (an in-place write to a saved value) makes an error case.

A case records every float value (read after backward, as the program left
it) and every input's gradient, in float64 from float32-exact inputs; the
program runs again in float32, twice (once from inputs moved by one ulp),
and the case stores the tightest rung of the tolerance ladder both runs
meet. A program whose float32 runs need more than the ladder (an
ill-conditioned one), or whose sort/topk/max routes a gradient through a
tie, is dropped and the next seed is tried.
"""

from __future__ import annotations

import math
import random
import struct

import torch

from .common import GeneratorError, _close, enc, error_message, header, TOLERANCE_LADDER, write_cases

NOTES = [
    'program: the conformance fuzzer\'s program format (steps, loss); replay it with runProgram from @tensile/conformance on float32 inputs',
    'values maps each float value number to the value PyTorch reads after backward (in-place writes included); grads maps each input that requires grad to its gradient (null: none arrives)',
    'the loss is the sum over program.loss of sum(v * w), w_i = 1 + 0.25 * ((7 i mod 5) - 2) over the flat index i',
    'a scalar operand is a Python number: pow(x, 0.5) is sqrt and pow(x, -0.5) rsqrt in PyTorch (so pow(-0, -0.5) is -inf); maximum/minimum with a scalar compare with a 0-d tensor',
    'a case with error: PyTorch rejects the backward (an in-place write to a saved value); the replay must fail there too',
]

GROUPS = [('random', 100_000, 300)]  # (file, first seed, programs)

SIZES = [1, 1, 2, 3, 4, 5]
SPECIAL = [0.0, -0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0, 20.0, -20.0, 1e-6]
UNARY = ['neg', 'abs', 'sign', 'relu', 'floor', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'sigmoid', 'sin', 'cos', 'erf', 'square']
BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow']
REDUCE = ['sum', 'mean', 'amax', 'amin', 'prod', 'logsumexp', 'var', 'std', 'maxdim']
INPLACE = ['add_', 'sub_', 'mul_', 'div_', 'pow_', 'clamp_', 'fill_', 'zero_', 'copy_']
ORDERED = {'sort', 'topk', 'maxdim'}


def f32(v: float) -> float:
    return struct.unpack('f', struct.pack('f', v))[0]


def enc_num(v: float):
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    if v == 0 and math.copysign(1, v) < 0:
        return '-0'
    return v


def dec_num(v) -> float:
    return {'nan': math.nan, 'inf': math.inf, '-inf': -math.inf, '-0': -0.0}[v] if isinstance(v, str) else float(v)


def loss_weight(i: int) -> float:
    return 1 + 0.25 * (((i * 7) % 5) - 2)


# --- the interpreter -------------------------------------------------------------------


def _dims(a: torch.Tensor, dim):
    """A reduction's dims: all of them when none is given (the fuzzer's undefined)."""
    if dim is None:
        return list(range(a.dim()))
    return [dim] if isinstance(dim, int) else list(dim)


def _reduce(op: str, a: torch.Tensor, dim, keepdim: bool) -> torch.Tensor:
    dims = _dims(a, dim)
    if op == 'prod':
        if a.dim() == 0:
            return a.prod()
        out = a
        for d in sorted({d % a.dim() for d in dims}, reverse=True):
            out = out.prod(d, keepdim=True)
        return out if keepdim else out.reshape([s for i, s in enumerate(a.shape) if i not in {d % a.dim() for d in dims}])
    if a.dim() == 0:
        dims = []
    return getattr(torch, op)(a, dims, keepdim=keepdim) if dims or op != 'logsumexp' else torch.logsumexp(a, 0, keepdim=keepdim)


def apply_step(step: dict, vals: list, dtype: torch.dtype, perturb: random.Random | None = None):
    op = step['op']
    p = step.get('p') or {}
    args = [vals[i] for i in step['args']]
    a = args[0] if args else None
    scalar = dec_num(p['scalar']) if 'scalar' in p else None
    if op == 'input':
        data = [dec_num(v) for v in p['data']]
        if p.get('int'):
            return torch.tensor(data, dtype=torch.int64).reshape(p['shape'])
        if perturb is not None:
            data = [v * (1 + (2 * perturb.random() - 1) * 2 ** -22) for v in data]
        return torch.tensor(data, dtype=dtype).reshape(p['shape']).requires_grad_(bool(p.get('grad')))
    if op == 'square':
        return torch.square(a)
    if op in UNARY:
        return getattr(torch, op)(a)
    if op in BINARY:
        other = args[1] if scalar is None else scalar
        if op in ('maximum', 'minimum') and scalar is not None:
            other = torch.tensor(scalar, dtype=a.dtype)
        return getattr(torch, op)(a, other)
    if op == 'clamp':
        return torch.clamp(a, p.get('lo'), p.get('hi'))
    if op == 'where':
        return torch.where(a > 0, args[1], args[2])
    if op == 'transpose':
        return a.transpose(p['d0'], p['d1'])
    if op == 'permute':
        return a.permute(p['perm'])
    if op == 'slice':
        idx = [slice(None)] * a.dim()
        idx[p['dim']] = slice(p['start'], p['end'], p.get('step', 1))
        return a[tuple(idx)]
    if op == 'expand':
        return a.expand(p['shape'])
    if op == 'unsqueeze':
        return a.unsqueeze(p['dim'])
    if op == 'squeeze':
        return a.squeeze(p['dim']) if 'dim' in p else a.squeeze()
    if op == 'reshape':
        return a.reshape(p['shape'])
    if op == 'select':
        return a.select(p['dim'], p['index'])
    if op == 'contiguous':
        return a.contiguous()
    if op == 'clone':
        return a.clone()
    if op == 'detach':
        return a.detach()
    if op in ('sum', 'mean', 'amax', 'amin', 'prod', 'logsumexp'):
        return _reduce(op, a, p.get('dim'), bool(p.get('keepdim')))
    if op in ('var', 'std'):
        dim = p.get('dim')
        return getattr(torch, op)(a, dim if dim is None or isinstance(dim, int) else list(dim), correction=p.get('correction', 1), keepdim=bool(p.get('keepdim')))
    if op == 'maxdim':
        return torch.max(a, p['dim'], keepdim=bool(p.get('keepdim'))).values
    if op == 'softmax':
        return torch.softmax(a, p['dim'])
    if op == 'logSoftmax':
        return torch.log_softmax(a, p['dim'])
    if op in ('cumsum', 'cumprod'):
        return getattr(torch, op)(a, p['dim'])
    if op == 'sort':
        return torch.sort(a, p['dim'], descending=bool(p.get('descending'))).values
    if op == 'topk':
        return torch.topk(a, p['k'], p['dim'], largest=bool(p.get('largest', True))).values
    if op == 'gather':
        return torch.gather(a, p['dim'], args[1])
    if op == 'indexSelect':
        return torch.index_select(a, p['dim'], args[1])
    if op == 'matmul':
        return torch.matmul(a, args[1])
    if op == 'cat':
        return torch.cat(args, p['dim'])
    if op == 'stack':
        return torch.stack(args, p['dim'])
    if op in ('add_', 'sub_', 'mul_', 'div_', 'pow_'):
        return getattr(a, op)(args[1] if scalar is None else scalar)
    if op == 'clamp_':
        return a.clamp_(p.get('lo'), p.get('hi'))
    if op == 'fill_':
        return a.fill_(scalar)
    if op == 'zero_':
        return a.zero_()
    if op == 'copy_':
        return a.copy_(args[1])
    raise GeneratorError(f'programs: unknown op {op}')


def has_ties(t: torch.Tensor, dim: int) -> bool:
    """Whether two elements of a line along dim are equal (NaN equal to NaN, -0 to +0): a tie decides where a gradient goes."""
    if t.numel() == 0:
        return False
    x = t.detach().double()
    if x.dim() == 0:
        return False
    x = torch.nan_to_num(x.movedim(dim, -1), nan=math.pi * 1e300).reshape(-1, x.shape[dim])
    s = x.sort(-1).values
    return bool((s[:, 1:] == s[:, :-1]).any())


def run_program(prog: dict, dtype: torch.dtype, perturb: random.Random | None = None) -> dict:
    """Runs a program: {'values': {ref: tensor}, 'grads': {ref: tensor | None}} or {'error': message}; raises if a step fails."""
    vals: list = []
    for step in prog['steps']:
        vals.append(apply_step(step, vals, dtype, perturb))
    loss = None
    for r in prog['loss']:
        v = vals[r]
        if not v.dtype.is_floating_point:
            continue
        w = torch.tensor([loss_weight(i) for i in range(v.numel())], dtype=v.dtype).reshape(v.shape)
        term = (v * w).sum()
        loss = term if loss is None else loss + term
    out: dict = {}
    if loss is not None and loss.requires_grad:
        try:
            loss.backward()
        except RuntimeError as e:
            return {'error': error_message(e)}
    out['values'] = {i: v.detach().clone() for i, v in enumerate(vals) if v.dtype.is_floating_point}
    out['grads'] = {i: (None if vals[i].grad is None else vals[i].grad.detach().clone()) for i, s in enumerate(prog['steps']) if s['op'] == 'input' and s['p'].get('grad')}
    return out


# --- the generator ------------------------------------------------------------------------


class Gen:
    """Makes one program from a seed, running each step in float64 as it is made."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.steps: list = []
        self.vals: list = []

    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    def int(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi)."""
        return self.r.randrange(lo, hi) if hi > lo else lo

    def shape(self, max_nd: int = 3) -> list:
        return [0 if self.r.random() < 0.07 else self.pick(SIZES) for _ in range(self.int(0, max_nd + 1))]

    def data(self, n: int) -> list:
        ties = self.r.random() < 0.15
        out = []
        for _ in range(n):
            u = self.r.random()
            if u < 0.08:
                out.append(enc_num(self.pick(SPECIAL)))
            elif ties:
                out.append(self.int(-2, 3) * 0.5)
            else:
                out.append(f32(self.r.gauss(0, 1.5)))
        return out

    def fresh(self, step: dict) -> int:
        self.vals.append(apply_step(step, self.vals, torch.float64))
        self.steps.append(step)
        return len(self.vals) - 1

    def input(self, shape: list, grad: bool | None = None) -> int:
        grad = self.r.random() < 0.7 if grad is None else grad
        return self.fresh({'op': 'input', 'args': [], 'p': {'shape': shape, 'data': self.data(math.prod(shape)), 'grad': grad}})

    def index(self, shape: list, size: int) -> int:
        data = [self.int(0, size) if size > 0 else 0 for _ in range(math.prod(shape))]
        return self.fresh({'op': 'input', 'args': [], 'p': {'shape': shape, 'data': data, 'int': True}})

    def broadcastable(self, s: list) -> list:
        drop = self.int(0, len(s) + 1) if self.r.random() < 0.3 else 0
        out = [1 if self.r.random() < 0.3 else d for d in s[drop:]]
        if self.r.random() < 0.15:
            out.insert(0, self.pick([1, 2]))
        return out

    def scalar(self):
        return enc_num(self.pick([0.5, 2.0, -1.5, 3.0, 0.0, -0.0, 1e-3, 10.0]))

    def dim(self, nd: int) -> int:
        return self.pick([0, -1]) if nd == 0 else self.int(-nd, nd)

    def opt_dims(self, nd: int):
        u = self.r.random()
        if u < 0.25 or nd == 0:
            return None
        if u < 0.4 and nd >= 2:
            return sorted({self.int(0, nd), self.int(0, nd)})
        return self.dim(nd)

    def propose(self, xi: int) -> dict:
        x = self.vals[xi]
        s = list(x.shape)
        nd = len(s)
        u = self.r.random()
        if u < 0.17:
            return {'op': self.pick(UNARY), 'args': [xi]}
        if u < 0.34:
            op = self.pick(BINARY)
            v = self.r.random()
            if v < 0.3:
                return {'op': op, 'args': [xi], 'p': {'scalar': self.pick([2, 3, 0.5, -0.5, -1, 1.5, 0]) if op == 'pow' else self.scalar()}}
            other = self.int(0, len(self.vals)) if v < 0.55 else self.input(self.broadcastable(s))
            return {'op': op, 'args': [xi, other] if self.r.random() < 0.5 else [other, xi]}
        if u < 0.37:
            lo, hi = self.pick([-1, -0.5, 0, None]), self.pick([0.5, 1, 2, None])
            p = {k: v for k, v in (('lo', lo), ('hi', hi)) if v is not None}
            return {'op': 'clamp', 'args': [xi], 'p': p}
        if u < 0.4:
            o = self.input(self.broadcastable(s))
            return {'op': 'where', 'args': [xi if self.r.random() < 0.5 else o, xi, o]}
        if u < 0.52:
            w = self.int(0, 9)
            if w == 0 and nd >= 2:
                d0 = self.int(0, nd)
                return {'op': 'transpose', 'args': [xi], 'p': {'d0': d0, 'd1': (d0 + self.int(1, nd)) % nd}}
            if w == 1 and nd >= 2:
                perm = list(range(nd))
                self.r.shuffle(perm)
                return {'op': 'permute', 'args': [xi], 'p': {'perm': perm}}
            if w in (2, 3) and nd >= 1:
                dim = self.int(0, nd)
                n = s[dim]
                start = self.int(0, n + 1)
                return {'op': 'slice', 'args': [xi], 'p': {'dim': dim, 'start': start, 'end': self.int(start, n + 2), 'step': self.pick([1, 1, 2, 3])}}
            if w == 4:
                shape = [self.pick([0, 2, 3]) if d == 1 and self.r.random() < 0.6 else d for d in s]
                if self.r.random() < 0.4:
                    shape.insert(0, self.pick([1, 2]))
                return {'op': 'expand', 'args': [xi], 'p': {'shape': shape}}
            if w == 5:
                return {'op': 'unsqueeze', 'args': [xi], 'p': {'dim': self.int(-nd - 1, nd + 1)}}
            if w == 6 and nd >= 1:
                dim = self.int(0, nd)
                return {'op': 'select', 'args': [xi], 'p': {'dim': dim, 'index': self.int(-1, max(1, s[dim]))}}
            if w == 7:
                n = math.prod(s)
                shape = [0, self.pick([1, 2])] if n == 0 else [n] if self.r.random() < 0.5 else [self.pick([1, n]), -1]
                return {'op': 'reshape', 'args': [xi], 'p': {'shape': shape}}
            op = self.pick(['squeeze', 'contiguous', 'clone', 'detach'])
            return {'op': op, 'args': [xi], **({'p': {'dim': self.int(0, nd)}} if op == 'squeeze' and nd > 0 else {})}
        if u < 0.64:
            op = self.pick(REDUCE)
            keepdim = self.r.random() < 0.4
            if op == 'maxdim':
                return {'op': op, 'args': [xi], 'p': {'dim': self.dim(nd), 'keepdim': keepdim}}
            dim = (0 if nd == 0 else [0, nd - 1] if self.r.random() < 0.3 and nd >= 2 else self.dim(nd)) if op == 'logsumexp' else self.opt_dims(nd)
            p = {'keepdim': keepdim}
            if dim is not None:
                p['dim'] = dim
            if op in ('var', 'std'):
                p['correction'] = self.pick([0, 1])
            return {'op': op, 'args': [xi], 'p': p}
        if u < 0.68:
            return {'op': self.pick(['softmax', 'logSoftmax']), 'args': [xi], 'p': {'dim': self.dim(nd)}}
        if u < 0.72:
            return {'op': self.pick(['cumsum', 'cumprod']), 'args': [xi], 'p': {'dim': self.dim(nd)}}
        if u < 0.76:
            dim = self.dim(nd)
            if self.r.random() < 0.5:
                return {'op': 'sort', 'args': [xi], 'p': {'dim': dim, 'descending': self.r.random() < 0.5}}
            n = 1 if nd == 0 else s[dim % nd]
            return {'op': 'topk', 'args': [xi], 'p': {'k': self.int(0, n + 1), 'dim': dim, 'largest': self.r.random() < 0.5}}
        if u < 0.8 and nd >= 1:
            dim = self.int(0, nd)
            if self.r.random() < 0.5:
                shape = [self.int(0, 4) if j == dim else self.int(min(1, d), d + 1) for j, d in enumerate(s)]
                return {'op': 'gather', 'args': [xi, self.index(shape, s[dim])], 'p': {'dim': dim}}
            return {'op': 'indexSelect', 'args': [xi, self.index([self.int(0, 4)], s[dim])], 'p': {'dim': dim}}
        if u < 0.86 and nd >= 1:
            k = s[-1]
            n = self.pick([0, 1, 2, 3])
            batch = [1 if self.r.random() < 0.3 else d for d in s[:-2]] if nd >= 2 and self.r.random() < 0.5 else []
            ws = [k] if nd == 1 or self.r.random() < 0.2 else [*batch, k, n]
            if self.r.random() < 0.25 and len(ws) >= 2:
                t = self.input([*ws[:-2], ws[-1], ws[-2]])
                tt = self.fresh({'op': 'transpose', 'args': [t], 'p': {'d0': -1, 'd1': -2}})
                return {'op': 'matmul', 'args': [xi, tt]}
            return {'op': 'matmul', 'args': [xi, self.input(ws)]}
        if u < 0.9:
            dim = self.int(0, nd + (1 if self.r.random() < 0.5 else 0)) if nd > 0 else 0
            if self.r.random() < 0.5 and nd >= 1:
                cs = list(s)
                cd = min(dim, nd - 1)
                cs[cd] = self.int(0, 3)
                return {'op': 'cat', 'args': [xi, self.input(cs)], 'p': {'dim': cd}}
            return {'op': 'stack', 'args': [xi, xi] if self.r.random() < 0.3 else [xi, self.input(s)], 'p': {'dim': min(dim, nd)}}
        # In-place ops, mostly on non-leaves (a view of one, at times).
        op = self.pick(INPLACE)
        t = xi
        if self.steps[t]['op'] == 'input' and self.r.random() < 0.85:
            t = self.fresh({'op': self.pick(['mul', 'add']), 'args': [xi], 'p': {'scalar': 1}})
        if self.r.random() < 0.3 and nd >= 1:
            dim = self.int(0, nd)
            t = self.fresh({'op': 'slice', 'args': [t], 'p': {'dim': dim, 'start': self.int(0, 2), 'end': s[dim] + 1, 'step': self.pick([1, 2])}})
        ts = list(self.vals[t].shape)
        if op == 'clamp_':
            lo, hi = self.pick([-1, -0.25, 0, None]), self.pick([0.25, 1, None])
            return {'op': op, 'args': [t], 'p': {k: v for k, v in (('lo', lo), ('hi', hi)) if v is not None}}
        if op == 'fill_':
            return {'op': op, 'args': [t], 'p': {'scalar': self.scalar()}}
        if op == 'zero_':
            return {'op': op, 'args': [t]}
        if op != 'copy_' and self.r.random() < 0.4:
            return {'op': op, 'args': [t], 'p': {'scalar': self.pick([2, 0.5, -1]) if op == 'pow_' else self.scalar()}}
        bs = self.broadcastable(ts)[-len(ts):] if ts else []
        return {'op': op, 'args': [t, self.int(0, len(self.vals)) if self.r.random() < 0.15 else self.input(bs)]}

    def program(self) -> dict:
        self.input(self.shape())
        if self.r.random() < 0.4:
            self.input(self.shape())
        target = self.int(1, 9)
        made = 0
        for _ in range(40):
            if made >= target:
                break
            floats = [i for i, v in enumerate(self.vals) if v.dtype.is_floating_point]
            xi = floats[-1] if self.r.random() < 0.5 else self.pick(floats)
            step = self.propose(xi)
            try:
                v = apply_step(step, self.vals, torch.float64)
            except (RuntimeError, IndexError, ValueError, TypeError):
                continue  # PyTorch rejects it: try something else (inputs made for it stay)
            if step['op'] in ORDERED and has_ties(self.vals[step['args'][0]], step['p']['dim'] if self.vals[step['args'][0]].dim() else 0):
                continue
            self.vals.append(v)
            self.steps.append(step)
            made += 1
        n = len(self.steps)
        loss = [n - 1]
        if n > 2 and self.r.random() < 0.5:
            loss.append(self.int(0, n - 1))
        return {'steps': self.steps, 'loss': loss}


# --- cases ---------------------------------------------------------------------------------


def ordered_ties(prog: dict, dtype: torch.dtype) -> bool:
    """Whether, run in dtype, a sort/topk/max meets a tie (rounding can make one the float64 run does not see)."""
    vals: list = []
    for step in prog['steps']:
        if step['op'] in ORDERED:
            a = vals[step['args'][0]]
            if has_ties(a, step['p']['dim'] if a.dim() else 0):
                return True
        vals.append(apply_step(step, vals, dtype))
    return False


def _pairs(ref: dict, got: dict):
    for k, v in ref['values'].items():
        yield v, got['values'][k]
    for k, v in ref['grads'].items():
        w = got['grads'][k]
        if (v is None) != (w is None):
            yield torch.zeros(1), torch.full((1,), math.nan)  # a gradient arrives in one dtype only: unreachable
        elif v is not None:
            yield v, w


def make_case(seed: int) -> dict | None:
    prog = Gen(seed).program()
    if ordered_ties(prog, torch.float32):
        return None
    return case_of(f'programs/seed-{seed}', prog, seed)


def case_of(case_id: str, prog: dict, seed: int) -> dict | None:
    """The case of one program (None where its float32 runs cannot meet the ladder)."""
    ref = run_program(prog, torch.float64)
    runs = [run_program(prog, torch.float32), run_program(prog, torch.float32, random.Random(seed))]
    case: dict = {'id': case_id, 'program': prog}
    if 'error' in ref:
        if any('error' not in r for r in runs):
            return None
        case['error'] = ref['error']
        return case
    if any('error' in r for r in runs):
        return None
    for rtol, atol in TOLERANCE_LADDER:
        if all(all(_close(a, b, rtol, atol) for a, b in _pairs(ref, r)) for r in runs):
            break
    else:
        return None  # ill-conditioned in float32: PyTorch itself cannot reach the ladder
    case['values'] = {str(k): enc(v) for k, v in ref['values'].items()}
    case['grads'] = {str(k): (None if v is None else enc(v)) for k, v in ref['grads'].items()}
    case['rtol'], case['atol'] = rtol, atol
    return case


# --- writes through views (PyTorch's CopySlices) ----------------------------------------------

def _inp(shape: list, seed: int, grad: bool = True) -> dict:
    r = random.Random(seed)
    return {'op': 'input', 'args': [], 'p': {'shape': shape, 'data': [f32(r.gauss(0, 1)) for _ in range(math.prod(shape))], 'grad': grad}}


def _st(op: str, args: list, **p) -> dict:
    return {'op': op, 'args': args, **({'p': p} if p else {})}


# Each: a leaf x (value 0), y = x * 1 (value 1), then steps that write into y through a view; the
# loss reads the base (and, where named, the view or a sibling view).
VIEW_PROGRAMS = {
    'slice-mul_': ([2, 3], [_st('slice', [1], dim=1, start=0, end=2), _st('mul_', [2], scalar=2.0)], [1]),
    'slice-step-add_-tensor': ([4, 3], [_inp([2, 3], 7), _st('slice', [1], dim=0, start=1, end=4, step=2), _st('add_', [3, 2])], [1, 3]),
    'select-pow_': ([3, 2], [_st('select', [1], dim=0, index=1), _st('pow_', [2], scalar=2)], [1]),
    'select-neg-index-div_': ([3, 2], [_inp([3], 8), _st('select', [1], dim=1, index=-1), _st('div_', [3, 2])], [1]),
    'transpose-sub_': ([2, 3], [_inp([3, 2], 9), _st('transpose', [1], d0=0, d1=1), _st('sub_', [3, 2])], [1, 3]),
    'permute-clamp_': ([2, 3, 2], [_st('permute', [1], perm=[2, 0, 1]), _st('clamp_', [2], lo=-0.5, hi=0.5)], [1]),
    'reshape-mul_-tensor': ([2, 3], [_inp([6], 10), _st('reshape', [1], shape=[6]), _st('mul_', [3, 2])], [1]),
    'unsqueeze-fill_': ([2, 3], [_st('unsqueeze', [1], dim=0), _st('fill_', [2], scalar=3.0)], [1]),
    'squeeze-zero_': ([1, 3], [_st('squeeze', [1], dim=0), _st('zero_', [2])], [1]),
    'slice-copy_': ([3, 2], [_inp([2], 11), _st('slice', [1], dim=0, start=0, end=2), _st('copy_', [3, 2])], [1]),
    'view-of-view-mul_': ([3, 4], [_st('transpose', [1], d0=0, d1=1), _st('slice', [2], dim=0, start=1, end=3), _st('select', [3], dim=1, index=2), _st('mul_', [4], scalar=-1.5)], [1]),
    'sibling-views-overlap': ([4], [_st('slice', [1], dim=0, start=0, end=3), _st('slice', [1], dim=0, start=2, end=4), _st('mul_', [2], scalar=3.0)], [3]),
    'two-writes': ([2, 3], [_st('select', [1], dim=0, index=0), _st('mul_', [2], scalar=2.0), _st('select', [1], dim=1, index=1), _st('add_', [4], scalar=1.0), _st('exp', [1])], [6, 2]),
    'write-then-read-view': ([3, 3], [_st('slice', [1], dim=1, start=1, end=3), _st('mul_', [2], scalar=0.5), _st('sin', [2])], [4, 1]),
    'base-write-then-view': ([2, 3], [_st('slice', [1], dim=1, start=0, end=2), _st('mul_', [1], scalar=2.0), _st('square', [2])], [4]),
    'copy_-from-other-view': ([2, 3], [_st('select', [1], dim=0, index=0), _st('select', [1], dim=0, index=1), _st('copy_', [2, 3])], [1]),
    'saved-view-modified': ([3], [_st('slice', [1], dim=0, start=0, end=2), _st('sin', [2]), _st('slice', [1], dim=0, start=2, end=3), _st('mul_', [4], scalar=2.0)], [3]),
}


def view_cases() -> list:
    cases = []
    for k, (name, (shape, steps, loss)) in enumerate(VIEW_PROGRAMS.items()):
        prog = {'steps': [_inp(shape, 1000 + k), _st('mul', [0], scalar=1), *steps], 'loss': loss}
        c = case_of(f'programs/views-{name}', prog, 1000 + k)
        if c is None:
            raise GeneratorError(f'programs: views-{name} does not meet the tolerance ladder')
        cases.append(c)
    return cases


VIEW_NOTES = [
    'hand-written programs that write into a non-leaf through views (slice, select, transpose, permute, reshape, squeeze, unsqueeze, chains of them) with every in-place op of the format, then read the base or a sibling view: PyTorch rebases the base\'s history (CopySlices)',
]


def generate(folder) -> int:
    total = 0
    views = view_cases()
    write_cases(folder / 'views.json', header('programs', 'views', NOTES + VIEW_NOTES), views)
    total += len(views)
    for name, first, count in GROUPS:
        cases = []
        seed = first
        while len(cases) < count:
            c = make_case(seed)
            seed += 1
            if c is not None:
                cases.append(c)
        write_cases(folder / f'{name}.json', header('programs', name, NOTES), cases)
        total += len(cases)
    return total
