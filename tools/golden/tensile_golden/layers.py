"""torch.nn layers: layers/<Layer>.json, one file per layer class.

Each case builds torch.nn.<layer>(**options) (camelCase -> snake_case), loads a
state dict drawn from the case's own Rng (float32-exact, at scales where the
layer is well-conditioned, never torch's default init), sets the mode and calls
forward. The float64 module is the reference; the float32 one proves the
tolerance. Gradients are taken for every arg with requiresGrad and every
parameter ("param:<name>").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch

from .common import (TOLERANCE_LADDER, Arg, _close, GeneratorError, Rng, check_same_ints, enc, enc_value, encode_grad_output, encode_grads,
                     encode_output, error_message, flatten, header, is_float, reachable_tolerance, write_cases)

COMMON_NOTES = [
    "build torch.nn.<layer>(**options) (camelCase -> snake_case), load params as its full state_dict (every parameter and buffer), set mode ('train' / 'eval'), call forward(*args)",
    "params are drawn for each case (float32-exact, not torch's default initialisation); int buffers (num_batches_tracked) are int32 here, int64 in torch",
    "grads has one entry per arg with requiresGrad (by arg name) and one per parameter ('param:<state_dict name>'); buffers have none",
    "gradOutput is the upstream gradient of each output (null where none flows in); it is never all ones, so scaling mistakes show",
    "buffersAfter (train mode, a layer with buffers) holds every buffer after the forward",
    "a case with 'error' instead of output is bad input or a bad option that torch rejects, when building the module or in forward; nothing may change",
    "an arg with requiresGrad false in a case with parameters checks that parameter gradients do not depend on the input's",
]

INPLACE_NOTE = "inplace true writes the result into the input and returns it; torch refuses that on a leaf that requires grad, so inplace value cases give an input without requiresGrad"


# --- building and running modules ------------------------------------------------------------


def snake(k: str) -> str:
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), k)


def rms_norm(x: torch.Tensor, normalized_shape, weight: torch.Tensor | None = None, eps: float | None = None) -> torch.Tensor:
    """PyTorch 2.4's F.rms_norm, which 1.13 lacks: x * rsqrt(mean(x^2, trailing dims) + eps) * weight.

    eps=None is torch.finfo(input.dtype).eps; the golden inputs are float32, so it is float32's in
    both passes (the float64 pass is the reference for float32 inputs).
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.dim() < k or tuple(x.shape[x.dim() - k:]) != shape:
        raise RuntimeError(f'Given normalized_shape={list(shape)}, expected input with shape [*, {", ".join(map(str, shape))}], but got input of size{list(x.shape)}')
    if not x.dtype.is_floating_point:
        raise RuntimeError(f'rms_norm: expected a floating point input, got {x.dtype}')
    eps = torch.finfo(torch.float32).eps if eps is None else eps
    dims = tuple(range(-k, 0))
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
    return y if weight is None else y * weight


class RMSNorm(torch.nn.Module):
    """PyTorch 2.4's nn.RMSNorm (state dict: weight), on rms_norm above."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        if elementwise_affine:
            self.weight = torch.nn.Parameter(torch.ones(self.normalized_shape))
        else:
            self.register_parameter('weight', None)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)


# Layers that PyTorch 1.13 lacks, defined here from PyTorch 2.x's formulas.
LOCAL_LAYERS = {'RMSNorm': RMSNorm}


def _option(v: Any) -> Any:
    """An option value; {'module': <layer>, 'options': {...}} is a module built from those (TransformerEncoder's encoderLayer, norm)."""
    if isinstance(v, dict) and set(v) == {'module', 'options'}:
        return build(v['module'], v['options'])
    return v


def build(layer: str, options: dict) -> torch.nn.Module:
    cls = LOCAL_LAYERS.get(layer) or getattr(torch.nn, layer)
    return cls(**{snake(k): _option(v) for k, v in options.items()})


def _fan_in(shape: Sequence[int]) -> int:
    return math.prod(shape[1:])


NORM_LAYERS = {'LayerNorm', 'BatchNorm1d', 'BatchNorm2d', 'GroupNorm', 'RMSNorm'}


def default_state(layer: str, module: torch.nn.Module, rng: Rng) -> dict:
    """Every parameter and buffer of module, drawn from rng at a well-conditioned scale."""
    sd = {}
    for name, t in module.state_dict().items():
        shape = tuple(t.shape)
        base = name.split('.')[-1]
        if not t.dtype.is_floating_point:
            sd[name] = torch.tensor(rng.choice(5), dtype=t.dtype).reshape(shape)
        elif base == 'running_mean':
            sd[name] = rng.randn(*shape, scale=0.5)
        elif base == 'running_var':
            sd[name] = rng.uniform(*shape, lo=0.5, hi=2.0)
        elif layer in NORM_LAYERS and base == 'weight':
            sd[name] = rng.uniform(*shape, lo=0.5, hi=1.5)
        elif layer == 'Embedding':
            sd[name] = rng.randn(*shape)
        elif len(shape) >= 2:
            fan = _fan_in(shape)
            sd[name] = rng.randn(*shape, scale=1 / math.sqrt(fan)) if fan > 0 else torch.zeros(shape)
        else:
            sd[name] = rng.randn(*shape, scale=0.5)
    return sd


Call = Callable[[torch.nn.Module, list], Any]


def default_call(m: torch.nn.Module, args: list) -> Any:
    return m(*args)


def _materialise(a: Arg, dtype: torch.dtype) -> Any:
    v = a.value
    if isinstance(v, torch.Tensor):
        if v.dtype.is_floating_point:
            return v.detach().to(dtype).clone().requires_grad_(a.grad)
        return v.clone()
    return v


def _args(args: Sequence[Any]) -> list[Arg]:
    return [a for a in args if isinstance(a, Arg)]


@dataclass
class Run:
    outputs: list
    grad_outputs: list
    grads: dict
    buffers: dict


def run_module(layer: str, options: dict, sd: dict, mode: str, args: Sequence[Any], dtype: torch.dtype, grad_outputs: list | None,
               rng: Rng, call: Call, grad_mask: Sequence[bool] | None, state_after: Sequence[str] | None = None) -> Run:
    m = build(layer, options)
    if dtype == torch.float64:
        m = m.double()
    m.load_state_dict(sd, strict=True)
    m.train(mode == 'train')
    real = [_materialise(a, dtype) if isinstance(a, Arg) else a for a in args]
    out = call(m, real)
    outs = flatten(out)
    if grad_outputs is None:
        grad_outputs = [rng.grad_like(o) if is_float(o) and o.requires_grad else None for o in outs]
        if grad_mask is not None:
            grad_outputs = [g if keep else None for g, keep in zip(grad_outputs, grad_mask)]
    leaves = [(a.name, r) for a, r in zip(args, real) if isinstance(a, Arg) and a.grad and is_float(r)]
    leaves += [(f'param:{n}', p) for n, p in m.named_parameters() if p.requires_grad]
    roots = [(o, g) for o, g in zip(outs, grad_outputs) if g is not None and isinstance(o, torch.Tensor) and o.requires_grad]
    grads: dict = {}
    if roots and leaves:
        gs = torch.autograd.grad([o for o, _ in roots], [t for _, t in leaves], [g.to(o.dtype) for o, g in roots], allow_unused=True)
        for (name, t), g in zip(leaves, gs):
            grads[name] = (torch.zeros_like(t) if g is None else g).detach()
    buffers = {n: b.detach().clone() for n, b in m.state_dict().items() if n in dict(m.named_buffers()) or n in (state_after or ())}
    return Run([o.detach() if isinstance(o, torch.Tensor) else o for o in outs], grad_outputs, grads, buffers)


ArgSpec = Callable[[Rng], list] | list


def make_args(spec: ArgSpec, rng: Rng) -> list:
    """Args from a callable of rng, or from (name, shape[, requiresGrad]) tuples (standard normal data)."""
    if callable(spec):
        return spec(rng)
    out = []
    for s in spec:
        if isinstance(s, Arg):
            out.append(s)
            continue
        name, shape, *rest = s
        out.append(Arg(name, rng.randn(*shape), rest[0] if rest else True))
    return out


def encode_args(args: Sequence[Any]) -> list:
    return [a.encode() if isinstance(a, Arg) else enc_value(a) for a in args]


def module_case(cid: str, layer: str, options: dict, args: ArgSpec, *, mode: str = 'train', params: Callable[[Rng, dict], dict] | None = None,
                call: Call = default_call, note: str | None = None, floor: tuple[float, float] | None = None,
                grad_mask: Sequence[bool] | None = None, buffers_after: bool | None = None, state_after: Sequence[str] | None = None) -> dict:
    """A value case: the float64 module's outputs and gradients, at a tolerance its float32 twin meets."""
    rng = Rng(f'layers/{cid}')
    proto = build(layer, options)
    sd = default_state(layer, proto, rng)
    if params is not None:
        sd.update(params(rng, sd))
    a = make_args(args, rng)
    ref = run_module(layer, options, sd, mode, a, torch.float64, None, rng, call, grad_mask, state_after)
    f32 = run_module(layer, options, sd, mode, a, torch.float32, ref.grad_outputs, rng, call, grad_mask, state_after)
    for x, y in zip(ref.outputs, f32.outputs):
        if isinstance(x, torch.Tensor) and not x.dtype.is_floating_point and not torch.equal(x, y):
            raise GeneratorError(f'{cid}: integer output differs between float64 and float32 (ties?)')
    pairs = [(x, y) for x, y in zip(ref.outputs, f32.outputs) if is_float(x)]
    pairs += [(ref.grads[k], f32.grads[k]) for k in ref.grads]
    with_buffers = buffers_after if buffers_after is not None else ((mode == 'train' or bool(state_after)) and len(ref.buffers) > 0)
    if with_buffers:
        pairs += [(ref.buffers[k], f32.buffers[k]) for k in ref.buffers if ref.buffers[k].dtype.is_floating_point]
        for k, v in ref.buffers.items():
            if not v.dtype.is_floating_point and not torch.equal(v, f32.buffers[k]):
                raise GeneratorError(f'{cid}: integer buffer {k} differs between float64 and float32')
    try:
        rtol, atol = reachable_tolerance(pairs, floor)
    except GeneratorError as e:
        names = ['output'] * sum(1 for x in ref.outputs if is_float(x)) + list(ref.grads)
        bad = [n for n, (x, y) in zip(names, pairs) if not _close(x, y, *TOLERANCE_LADDER[-1])]
        raise GeneratorError(f'{cid}: {e} in {bad or "buffers"}') from None
    c: dict = {'id': cid, 'layer': layer, 'options': enc_value(options), 'mode': mode, 'params': {k: enc(v) for k, v in sd.items()},
               'args': encode_args(a), 'gradOutput': None, 'output': encode_output(ref.outputs), 'grads': encode_grads(ref.grads)}
    if ref.grads and any(g is not None for g in ref.grad_outputs):
        c['gradOutput'] = encode_grad_output(ref.grad_outputs)
    if with_buffers:
        c['buffersAfter'] = {k: enc(v) for k, v in ref.buffers.items()}
    c['rtol'], c['atol'] = rtol, atol
    if note:
        c['note'] = note
    return c


def stable_message(msg: str) -> str:
    """torch prints some option sets in Python's (hash-randomised) set order: sort them so the file is byte-stable."""
    return re.sub(r"\{('[^{}]*')\}", lambda m: '{' + ', '.join(sorted(x.strip() for x in m.group(1).split(','))) + '}', msg)


def error_case(cid: str, layer: str, options: dict, args: ArgSpec = (), *, mode: str = 'train', params: Callable[[Rng, dict], dict] | None = None,
               call: Call = default_call, note: str | None = None) -> dict:
    """Bad options (the constructor raises) or bad input (forward raises); torch must reject it."""
    rng = Rng(f'layers/{cid}')
    c: dict = {'id': cid, 'layer': layer, 'options': enc_value(options), 'mode': mode}
    try:
        proto = build(layer, options)
    except Exception as e:  # noqa: BLE001 - torch's refusal is the expectation
        c['args'] = encode_args(make_args(list(args) if not callable(args) else args, rng))
        c['error'] = stable_message(error_message(e))
        if note:
            c['note'] = note
        return c
    sd = default_state(layer, proto, rng)
    if params is not None:
        sd.update(params(rng, sd))
    a = make_args(list(args) if not callable(args) else args, rng)
    c['params'] = {k: enc(v) for k, v in sd.items()}
    c['args'] = encode_args(a)
    try:
        m = build(layer, options)
        m.load_state_dict(sd, strict=True)
        m.train(mode == 'train')
        call(m, [_materialise(x, torch.float32) if isinstance(x, Arg) else x for x in a])
    except Exception as e:  # noqa: BLE001
        c['error'] = stable_message(error_message(e))
        if note:
            c['note'] = note
        return c
    raise GeneratorError(f'{cid}: expected torch to reject this input, but it accepted it')


class Cases:
    """The cases of one layer file: value(...) and error(...) append, ids prefixed with the layer."""

    def __init__(self, layer: str, notes: list[str] | None = None, call: Call = default_call):
        self.layer = layer
        self.notes = notes or []
        self.call = call
        self.cases: list[dict] = []

    def value(self, tag: str, options: dict, args: ArgSpec, **kw) -> None:
        kw.setdefault('call', self.call)
        self.cases.append(module_case(f'{self.layer}/{tag}', self.layer, options, args, **kw))

    def error(self, tag: str, options: dict, args: ArgSpec = (), **kw) -> None:
        kw.setdefault('call', self.call)
        self.cases.append(error_case(f'{self.layer}/error/{tag}', self.layer, options, args, **kw))


# --- data helpers ----------------------------------------------------------------------------


def with_specials(r: Rng, shape: Sequence[int], specials: Sequence[float], scale: float = 1.0) -> torch.Tensor:
    """Normal data with the given special values at random distinct positions."""
    t = r.randn(*shape, scale=scale).reshape(-1)
    pos = r.perm(t.numel())[: len(specials)]
    for p, v in zip(pos.tolist(), specials):
        t[p] = v
    return t.reshape(tuple(shape))


def grid(r: Rng, shape: Sequence[int], lo: int = -6, hi: int = 7, step: float = 0.5) -> torch.Tensor:
    """Multiples of step in [lo, hi) * step: exact zeros and exact bounds (kinks) included."""
    return (r.randint(lo, hi, *shape).float() * step).float()


def distinct(r: Rng, shape: Sequence[int], scale: float = 1.0) -> torch.Tensor:
    """Values that are all different (a shuffled ladder plus jitter), so max pools have no ties."""
    n = math.prod(shape)
    base = r.perm(n).float() - n / 2
    return ((base + r.uniform(n, lo=0.1, hi=0.4)) * scale / max(1.0, n / 4)).float().reshape(tuple(shape))


NAN, INF = float('nan'), float('inf')


def ints(name: str, *shape: int) -> Arg:
    """An int32 tensor where a layer wants floats (torch rejects it)."""
    return Arg(name, torch.arange(math.prod(shape), dtype=torch.int32).reshape(shape) % 3, False)


# --- linear layers ---------------------------------------------------------------------------


def linear() -> Cases:
    c = Cases('Linear', ['weight is (outFeatures, inFeatures), bias (outFeatures); input (*, inFeatures) -> (*, outFeatures), a 1-d input is one sample'])
    o = {'inFeatures': 4, 'outFeatures': 3}
    c.value('2d', o, [('input', (5, 4))])
    c.value('2d/eval', o, [('input', (2, 4))], mode='eval')
    c.value('no-bias', {**o, 'bias': False}, [('input', (3, 4))])
    c.value('1d-input', o, [('input', (4,))])
    c.value('1d-input/no-bias', {**o, 'bias': False}, [('input', (4,))])
    c.value('3d-input', o, [('input', (2, 3, 4))])
    c.value('4d-input', {'inFeatures': 2, 'outFeatures': 3}, [('input', (2, 1, 3, 2))])
    c.value('single-sample', o, [('input', (1, 4))])
    c.value('in-1', {'inFeatures': 1, 'outFeatures': 3}, [('input', (4, 1))])
    c.value('out-1', {'inFeatures': 4, 'outFeatures': 1}, [('input', (3, 4))])
    c.value('in-1-out-1', {'inFeatures': 1, 'outFeatures': 1}, [('input', (3, 1))])
    c.value('wide', {'inFeatures': 16, 'outFeatures': 2}, [('input', (2, 16))])
    c.value('empty-batch', o, [('input', (0, 4))], note='an empty batch: empty output, zero parameter gradients (bias too)')
    c.value('zero-in-features', {'inFeatures': 0, 'outFeatures': 3}, [('input', (2, 0))], note='no input features: the output is the bias broadcast')
    c.value('zero-out-features', {'inFeatures': 3, 'outFeatures': 0}, [('input', (2, 3))])
    c.value('input-no-grad', o, [('input', (3, 4), False)])
    c.value('nan-inf', o, lambda r: [Arg('input', with_specials(r, (3, 4), [NAN, INF, -INF]), True)])
    c.error('in-features-mismatch', o, [('input', (3, 5))])
    c.error('1d-in-features-mismatch', o, [('input', (3,))])
    c.error('scalar-input', {'inFeatures': 1, 'outFeatures': 3}, [('input', ())])
    c.error('int-input', o, [ints('input', 2, 4)])
    c.error('negative-in-features', {'inFeatures': -1, 'outFeatures': 3})
    c.error('negative-out-features', {'inFeatures': 2, 'outFeatures': -2})
    return c


def bilinear() -> Cases:
    c = Cases('Bilinear', ['weight is (outFeatures, in1Features, in2Features): y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o]'])
    o = {'in1Features': 3, 'in2Features': 2, 'outFeatures': 4}
    c.value('2d', o, [('input1', (3, 3)), ('input2', (3, 2))])
    c.value('2d/eval', o, [('input1', (2, 3)), ('input2', (2, 2))], mode='eval')
    c.value('no-bias', {**o, 'bias': False}, [('input1', (3, 3)), ('input2', (3, 2))])
    c.value('1d-inputs', o, [('input1', (3,)), ('input2', (2,))])
    c.value('3d-inputs', o, [('input1', (2, 2, 3)), ('input2', (2, 2, 2))])
    c.value('single-sample', o, [('input1', (1, 3)), ('input2', (1, 2))])
    c.value('same-features', {'in1Features': 2, 'in2Features': 2, 'outFeatures': 3}, [('input1', (4, 2)), ('input2', (4, 2))])
    c.value('out-1', {'in1Features': 2, 'in2Features': 3, 'outFeatures': 1}, [('input1', (3, 2)), ('input2', (3, 3))])
    c.value('in-1', {'in1Features': 1, 'in2Features': 1, 'outFeatures': 2}, [('input1', (3, 1)), ('input2', (3, 1))])
    c.value('only-input1-grad', o, [('input1', (3, 3)), ('input2', (3, 2), False)])
    c.value('inputs-no-grad', o, [('input1', (2, 3), False), ('input2', (2, 2), False)])
    c.value('empty-batch', o, [('input1', (0, 3)), ('input2', (0, 2))])
    c.value('nan', o, lambda r: [Arg('input1', with_specials(r, (3, 3), [NAN]), True), Arg('input2', r.randn(3, 2), True)])
    c.error('input1-features-mismatch', o, [('input1', (3, 2)), ('input2', (3, 2))])
    c.error('input2-features-mismatch', o, [('input1', (3, 3)), ('input2', (3, 3))])
    c.error('batch-mismatch', o, [('input1', (3, 3)), ('input2', (4, 2))])
    c.error('rank-mismatch', o, [('input1', (2, 3, 3)), ('input2', (3, 2))])
    c.error('int-inputs', o, [ints('input1', 2, 3), ints('input2', 2, 2)])
    c.error('negative-out-features', {'in1Features': 2, 'in2Features': 2, 'outFeatures': -1})
    c.error('zero-in1-features', {'in1Features': 0, 'in2Features': 2, 'outFeatures': 3}, note="torch's initialisation divides by in1Features")
    return c


def identity() -> Cases:
    c = Cases('Identity', ['forward returns its input unchanged; the gradient passes through'])
    c.value('2d', {}, [('input', (3, 4))])
    c.value('scalar', {}, [('input', ())])
    c.value('3d/eval', {}, [('input', (2, 1, 3))], mode='eval')
    c.value('empty', {}, [('input', (0, 3))])
    c.value('nan-inf', {}, lambda r: [Arg('input', with_specials(r, (2, 3), [NAN, INF, -INF]), True)])
    int_input_case(c, {})
    return c


def flatten_layer() -> Cases:
    c = Cases('Flatten', ['flattens dims startDim..endDim (default 1..-1) into one'])
    c.value('default', {}, [('input', (2, 3, 4))])
    c.value('default/2d', {}, [('input', (3, 4))])
    c.value('default/4d', {}, [('input', (2, 2, 2, 3))])
    c.value('start-0', {'startDim': 0}, [('input', (2, 3, 2))])
    c.value('start-0/1d', {'startDim': 0}, [('input', (5,))])
    c.value('start-0/scalar', {'startDim': 0}, [('input', ())], note='a 0-d input flattens to shape [1]')
    c.value('end-2', {'startDim': 1, 'endDim': 2}, [('input', (2, 3, 2, 2))])
    c.value('negative-dims', {'startDim': -3, 'endDim': -2}, [('input', (2, 3, 2, 2))])
    c.value('start-equals-end', {'startDim': 1, 'endDim': 1}, [('input', (2, 3, 2))])
    c.value('size-1-dims', {}, [('input', (3, 1, 1, 2))])
    c.value('empty', {}, [('input', (0, 2, 3))])
    int_input_case(c, {}, (2, 2, 2))
    c.error('start-after-end', {'startDim': 2, 'endDim': 1}, [('input', (2, 3, 4))])
    c.error('start-out-of-range', {'startDim': 3}, [('input', (2, 3, 4))])
    c.error('end-out-of-range', {'startDim': 0, 'endDim': -4}, [('input', (2, 3, 4))])
    c.error('1d-default', {}, [('input', (3,))], note='the default startDim 1 does not exist in a 1-d input')
    return c


# --- activations -----------------------------------------------------------------------------


def int_input_case(c: Cases, o: dict, shape: Sequence[int] = (2, 3)) -> None:
    """An int32 input: a value case where torch computes it (ReLU keeps ints, Tanh gives floats), else an error."""
    x = torch.arange(math.prod(shape), dtype=torch.int32).reshape(tuple(shape)) - 2
    try:
        build(c.layer, o)(x)
    except Exception:  # noqa: BLE001 - torch refuses ints here
        c.error('int-input', o, [Arg('input', x, False)])
        return
    c.value('int-input', o, [Arg('input', x, False)], note='an int32 input torch accepts: the output dtype is what torch returns')


def activation_common(c: Cases, o: dict, *, kinks: bool = False, inplace: bool = False, scale: float = 2.0, nan_grad: bool = True) -> None:
    """Shapes, special values, saturation, no-grad input, int input and (where torch has it) inplace."""
    int_input_case(c, o)
    c.value('2d', o, lambda r: [Arg('input', r.randn(3, 4, scale=scale), True)])
    c.value('1d', o, lambda r: [Arg('input', r.randn(5, scale=scale), True)])
    c.value('scalar', o, lambda r: [Arg('input', r.randn(scale=scale), True)])
    c.value('3d/eval', o, lambda r: [Arg('input', r.randn(2, 3, 2, scale=scale), True)], mode='eval')
    c.value('empty', o, [('input', (0, 3))])
    if nan_grad:
        c.value('nan-inf', o, lambda r: [Arg('input', with_specials(r, (2, 4), [NAN, INF, -INF, 0.0]), True)])
    else:
        c.value('inf', o, lambda r: [Arg('input', with_specials(r, (2, 4), [INF, -INF, 0.0]), True)])
        c.value('nan/input-no-grad', o, lambda r: [Arg('input', with_specials(r, (2, 4), [NAN, INF, -INF]), False)],
                note="torch's float32 and float64 kernels disagree on the gradient at NaN, so only the forward is pinned")
    c.value('large', o, lambda r: [Arg('input', r.uniform(2, 4, lo=15, hi=90) * r.sign(2, 4), True)], note='far into both tails')
    c.value('small', o, lambda r: [Arg('input', r.randn(2, 4, scale=1e-3), True)])
    c.value('input-no-grad', o, lambda r: [Arg('input', r.randn(2, 3, scale=scale), False)])
    if kinks:
        c.value('kinks', o, lambda r: [Arg('input', grid(r, (3, 6)), True)], note='exact zeros and bounds: the subgradient PyTorch picks')
    if inplace:
        c.value('inplace', {**o, 'inplace': True}, lambda r: [Arg('input', r.randn(3, 4, scale=scale), False)], note=INPLACE_NOTE)
        c.value('inplace/eval', {**o, 'inplace': True}, lambda r: [Arg('input', with_specials(r, (2, 3), [NAN, -INF], scale=scale), False)], mode='eval')
        c.error('inplace-on-leaf-requiring-grad', {**o, 'inplace': True}, lambda r: [Arg('input', r.randn(2, 3), True)], note=INPLACE_NOTE)


def relu() -> Cases:
    c = Cases('ReLU', ['max(x, 0); the gradient at 0 is 0', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True)
    return c


def simple(layer: str, notes: list[str], *, inplace: bool = False) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, notes)
        activation_common(c, {}, inplace=inplace)
        return c
    gen.__name__ = layer
    return gen


def leaky_relu() -> Cases:
    c = Cases('LeakyReLU', ['x for x > 0, negativeSlope * x otherwise; the gradient at 0 is negativeSlope', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True)
    for s in [0.2, 0.0, 1.0, -0.5, 2.5]:
        c.value(f'negative-slope-{s}', {'negativeSlope': s}, lambda r: [Arg('input', grid(r, (3, 4)), True)])
    c.value('negative-slope-0.3/inplace', {'negativeSlope': 0.3, 'inplace': True}, lambda r: [Arg('input', r.randn(2, 4), False)])
    return c


def elu() -> Cases:
    c = Cases('ELU', ['x for x > 0, alpha * (exp(x) - 1) otherwise; the gradient at 0 is alpha', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, nan_grad=False)
    for a in [0.5, 2.0, 0.0]:
        c.value(f'alpha-{a}', {'alpha': a}, lambda r: [Arg('input', grid(r, (3, 4)), True)])
    c.value('alpha-1.5/large', {'alpha': 1.5}, lambda r: [Arg('input', r.uniform(2, 3, lo=20, hi=100) * r.sign(2, 3), True)])
    c.value('alpha-0.7/inplace', {'alpha': 0.7, 'inplace': True}, lambda r: [Arg('input', r.randn(2, 4), False)])
    return c


def gelu() -> Cases:
    c = Cases('GELU', ["approximate 'none': x * Phi(x) with the normal CDF; 'tanh': 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))"])
    activation_common(c, {})
    for tag, o in [('none', {'approximate': 'none'}), ('tanh', {'approximate': 'tanh'})]:
        c.value(f'approximate-{tag}/2d', o, lambda r: [Arg('input', r.randn(3, 4, scale=2.5), True)])
        c.value(f'approximate-{tag}/grid', o, lambda r: [Arg('input', grid(r, (2, 6)), True)])
    c.value('approximate-tanh/large', {'approximate': 'tanh'}, lambda r: [Arg('input', r.uniform(2, 4, lo=10, hi=60) * r.sign(2, 4), True)])
    c.value('approximate-tanh/nan-inf', {'approximate': 'tanh'}, lambda r: [Arg('input', with_specials(r, (2, 3), [NAN, INF, -INF]), True)])
    c.error('approximate-invalid', {'approximate': 'erf'}, [('input', (2, 3))])
    return c


def softplus() -> Cases:
    c = Cases('Softplus', ['log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (strictly)'])
    activation_common(c, {}, scale=5.0)
    c.value('beta-2', {'beta': 2.0}, lambda r: [Arg('input', r.randn(3, 4, scale=4), True)])
    c.value('beta-0.5', {'beta': 0.5}, lambda r: [Arg('input', r.randn(3, 4, scale=4), True)])
    c.value('threshold-1', {'threshold': 1.0}, lambda r: [Arg('input', grid(r, (3, 4)), True)], note='inputs at exactly beta x == threshold take the log branch')
    c.value('threshold-5/beta-2', {'beta': 2.0, 'threshold': 5.0}, lambda r: [Arg('input', grid(r, (3, 4), lo=-8, hi=9, step=0.625), True)])
    c.value('around-default-threshold', {}, lambda r: [Arg('input', torch.tensor([19.0, 19.5, 20.0, 20.5, 21.0, -20.0, -30.0, 40.0]), True)])
    c.value('beta-3/large', {'beta': 3.0}, lambda r: [Arg('input', r.uniform(2, 3, lo=5, hi=40) * r.sign(2, 3), True)])
    c.value('beta-negative', {'beta': -1.0}, lambda r: [Arg('input', r.randn(2, 4, scale=3), True)], note='a negative beta flips the curve: log(1 + exp(-x)) / -1')
    return c


def hardtanh() -> Cases:
    c = Cases('Hardtanh', ['x clamped to [minVal, maxVal]; unlike clamp, the gradient is 0 exactly at the bounds', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, nan_grad=False)
    for lo, hi in [(-2.0, 2.0), (0.0, 6.0), (-0.5, 0.5), (1.0, 3.0), (-3.0, -1.0)]:
        c.value(f'bounds-{lo}-{hi}', {'minVal': lo, 'maxVal': hi}, lambda r: [Arg('input', grid(r, (3, 6), lo=-14, hi=15), True)])
    c.value('bounds-0-6/inplace', {'minVal': 0.0, 'maxVal': 6.0, 'inplace': True}, lambda r: [Arg('input', r.randn(2, 4, scale=4), False)])
    c.error('min-above-max', {'minVal': 1.0, 'maxVal': -1.0})
    c.error('min-equals-max', {'minVal': 0.5, 'maxVal': 0.5})
    return c


def softmax_like(layer: str) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, ['dim null (or absent): PyTorch\'s legacy implicit dim, 0 for 0-, 1- and 3-d inputs and 1 otherwise'])
        for dim in [0, 1, -1]:
            c.value(f'dim-{dim}/2d', {'dim': dim}, lambda r: [Arg('input', r.randn(3, 4, scale=2), True)])
        c.value('dim-1/3d', {'dim': 1}, lambda r: [Arg('input', r.randn(2, 3, 2, scale=2), True)])
        c.value('dim-2/3d', {'dim': 2}, lambda r: [Arg('input', r.randn(2, 3, 3, scale=2), True)])
        c.value('dim--2/4d', {'dim': -2}, lambda r: [Arg('input', r.randn(2, 2, 3, 2), True)])
        c.value('dim-0/1d', {'dim': 0}, lambda r: [Arg('input', r.randn(6, scale=3), True)])
        c.value('dim-0/scalar', {'dim': 0}, lambda r: [Arg('input', r.randn(), True)])
        c.value('dim-size-1', {'dim': 1}, lambda r: [Arg('input', r.randn(3, 1), True)])
        for shape in [(), (5,), (3, 4), (2, 3, 2), (2, 2, 2, 2)]:
            tag = f'{len(shape)}d'
            c.value(f'dim-implicit/{tag}', {}, lambda r, s=shape: [Arg('input', r.randn(*s), True)])
        c.value('dim-null/3d', {'dim': None}, lambda r: [Arg('input', r.randn(3, 2, 2), True)])
        c.value('large-logits', {'dim': 1}, lambda r: [Arg('input', r.randn(2, 4, scale=300), True)], note='shifted by the max: no overflow')
        c.value('neg-inf-entries', {'dim': 1}, lambda r: [Arg('input', torch.tensor([[0.5, -INF, 1.5, -INF], [-INF, 2.0, 0.0, 1.0]]), True)])
        c.value('all-neg-inf-row', {'dim': 1}, lambda r: [Arg('input', torch.tensor([[-INF, -INF, -INF], [0.5, 1.0, -1.0]]), True)])
        c.value('inf-and-nan', {'dim': -1}, lambda r: [Arg('input', torch.tensor([[INF, 1.0, 0.0], [NAN, 1.0, 2.0], [3.0, 1.0, 2.0]]), True)])
        c.value('empty', {'dim': 1}, [('input', (0, 3))])
        c.value('input-no-grad/eval', {'dim': 0}, [('input', (3, 2), False)], mode='eval')
        c.error('dim-out-of-range', {'dim': 2}, [('input', (2, 3))])
        c.error('dim-out-of-range-negative', {'dim': -3}, [('input', (2, 3))])
        c.error('int-input', {'dim': 1}, [ints('input', 2, 3)])
        return c
    gen.__name__ = layer
    return gen


def dropout() -> Cases:
    c = Cases('Dropout', ['only deterministic cases: p = 0 or eval mode is the identity, p = 1 in training zeroes everything (input * 0, so NaN and inf become NaN)', INPLACE_NOTE])
    c.value('p-0/train', {'p': 0.0}, [('input', (3, 4))])
    c.value('p-0/train/nan-inf', {'p': 0.0}, lambda r: [Arg('input', with_specials(r, (2, 3), [NAN, INF]), True)])
    c.value('default-p/eval', {}, [('input', (3, 4))], mode='eval')
    c.value('p-0.3/eval', {'p': 0.3}, [('input', (2, 2, 3))], mode='eval')
    c.value('p-1/eval', {'p': 1.0}, [('input', (2, 3))], mode='eval')
    c.value('p-1/train', {'p': 1.0}, [('input', (3, 4))])
    c.value('p-1/train/nan-inf', {'p': 1.0}, lambda r: [Arg('input', with_specials(r, (2, 3), [NAN, INF, -INF]), True)])
    c.value('p-1/train/scalar', {'p': 1.0}, [('input', ())])
    c.value('p-0.5/eval/scalar', {'p': 0.5}, [('input', ())], mode='eval')
    c.value('empty/train', {'p': 0.5}, [('input', (0, 3))])
    c.value('p-0/inplace', {'p': 0.0, 'inplace': True}, [('input', (2, 3), False)])
    c.value('p-1/inplace', {'p': 1.0, 'inplace': True}, [('input', (2, 3), False)])
    c.value('p-0.5/inplace/eval', {'p': 0.5, 'inplace': True}, [('input', (2, 3), False)], mode='eval')
    int_input_case(c, {'p': 0.0})
    c.value('p-1/train/int-input', {'p': 1.0}, [ints('input', 2, 3)])
    c.error('p-negative', {'p': -0.1}, [('input', (2, 3))])
    c.error('p-above-1', {'p': 1.5}, [('input', (2, 3))])
    c.error('inplace-on-leaf-requiring-grad', {'p': 1.0, 'inplace': True}, [('input', (2, 3))])
    return c


# --- more activations (issue 20) -------------------------------------------------------------


def kink_values(*points: float) -> Callable[[Rng], list]:
    """Each point, and just beside it on both sides: PyTorch's subgradient at the kink is what the gradient pins."""
    vals = [v for p in points for v in (p - 0.25, p, p + 0.25)]
    return lambda r: [Arg('input', torch.tensor(vals, dtype=torch.float32), True)]


def relu6() -> Cases:
    c = Cases('ReLU6', ['min(max(x, 0), 6), i.e. hardtanh(x, 0, 6): the gradient is 0 at 0 and at 6', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, nan_grad=False, scale=4.0)
    c.value('kinks/0-and-6', {}, kink_values(0.0, 6.0))
    c.value('grid', {}, lambda r: [Arg('input', grid(r, (3, 6), lo=-14, hi=15), True)])
    return c


def hardswish() -> Cases:
    c = Cases('Hardswish', ['x * relu6(x + 3) / 6; the gradient is x / 3 + 1/2 on [-3, 3] (-1/2 at -3, 3/2 at 3), 0 below -3, 1 above 3', INPLACE_NOTE])
    activation_common(c, {}, inplace=True, scale=3.0, nan_grad=False)
    # Three elements: torch's scalar kernel in both passes. Its vectorised CPU kernel (8 float32 or 4
    # float64 lanes) gives 1 at x == 3, unlike its scalar kernel, its CUDA kernel and its decomposition.
    note = "at x == 3 the gradient is 3/2 (torch's scalar CPU kernel, CUDA kernel and decomposition; its vectorised CPU kernel says 1), at -3 it is -1/2"
    c.value('kink-3', {}, kink_values(3.0), note=note)
    c.value('kink--3', {}, kink_values(-3.0), note=note)
    c.value('kink-0', {}, kink_values(0.0))
    return c


def hardsigmoid() -> Cases:
    c = Cases('Hardsigmoid', ['relu6(x + 3) / 6; the gradient is 1/6 strictly inside (-3, 3) and 0 at and beyond -3 and 3', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, scale=3.0)
    c.value('kinks/-3-and-3', {}, kink_values(-3.0, 3.0))
    return c


def selu() -> Cases:
    c = Cases('SELU', ['scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), alpha = 1.6732632423543772, scale = 1.0507009873554805; the gradient at 0 is scale * alpha', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, nan_grad=False)
    return c


def celu() -> Cases:
    c = Cases('CELU', ['max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); the gradient at 0 is 1', INPLACE_NOTE])
    activation_common(c, {}, kinks=True, inplace=True, nan_grad=False)
    for a in [0.5, 2.0, -1.0]:
        c.value(f'alpha-{a}', {'alpha': a}, lambda r: [Arg('input', grid(r, (3, 4)), True)])
    c.value('alpha-0.3/large', {'alpha': 0.3}, lambda r: [Arg('input', r.uniform(2, 3, lo=5, hi=60) * r.sign(2, 3), True)])
    c.value('alpha-1.5/inplace', {'alpha': 1.5, 'inplace': True}, lambda r: [Arg('input', r.randn(2, 4), False)])
    c.error('alpha-0', {'alpha': 0.0}, [('input', (2, 3))])
    return c


def glu() -> Cases:
    c = Cases('GLU', ['a * sigmoid(b), where a and b are the first and second halves of the input along dim (default -1), whose size must be even'])
    c.value('default', {}, [('input', (3, 4))])
    c.value('dim-0', {'dim': 0}, [('input', (4, 3))])
    c.value('dim-1/3d', {'dim': 1}, [('input', (2, 6, 2))])
    c.value('dim--2/3d/eval', {'dim': -2}, [('input', (2, 2, 3))], mode='eval')
    c.value('1d', {}, [('input', (6,))])
    c.value('size-2', {}, [('input', (3, 2))])
    c.value('large', {}, lambda r: [Arg('input', r.uniform(2, 4, lo=15, hi=90) * r.sign(2, 4), True)])
    c.value('nan-inf', {}, lambda r: [Arg('input', torch.tensor([[NAN, 1.0, 0.5, -1.0], [2.0, INF, -INF, 30.0]]), False)], note='forward only: torch\'s float32 and float64 gradients at inf differ')
    c.value('empty', {}, [('input', (0, 4))])
    c.value('input-no-grad', {}, [('input', (2, 4), False)])
    c.error('odd-size', {}, [('input', (2, 3))])
    c.error('odd-size/dim-0', {'dim': 0}, [('input', (3, 2))])
    c.error('scalar', {}, [('input', ())])
    c.error('dim-out-of-range', {'dim': 2}, [('input', (2, 4))])
    c.error('int-input', {}, [ints('input', 2, 4)])
    return c


def threshold() -> Cases:
    c = Cases('Threshold', ['value where x <= threshold, x elsewhere; the gradient is 0 at x == threshold (and below)', INPLACE_NOTE])
    o = {'threshold': 0.5, 'value': -2.0}
    activation_common(c, o, kinks=True, inplace=True)
    c.value('kinks/at-threshold', o, kink_values(0.5, 0.0))
    for th, v in [(0.0, 0.0), (-1.0, 5.0), (2.0, 2.0), (1.5, 20.0)]:
        c.value(f'threshold-{th}/value-{v}', {'threshold': th, 'value': v}, lambda r: [Arg('input', grid(r, (3, 6)), True)])
    c.value('value-inf', {'threshold': 0.0, 'value': INF}, lambda r: [Arg('input', grid(r, (2, 4)), True)])
    return c


def softmin() -> Cases:
    c = Cases('Softmin', ['softmax(-x, dim); dim null (or absent): PyTorch\'s legacy implicit dim, 0 for 0-, 1- and 3-d inputs and 1 otherwise'])
    for dim in [0, 1, -1]:
        c.value(f'dim-{dim}/2d', {'dim': dim}, lambda r: [Arg('input', r.randn(3, 4, scale=2), True)])
    c.value('dim-2/3d', {'dim': 2}, lambda r: [Arg('input', r.randn(2, 3, 3, scale=2), True)])
    c.value('dim-0/scalar', {'dim': 0}, lambda r: [Arg('input', r.randn(), True)])
    for shape in [(5,), (3, 4), (2, 3, 2)]:
        c.value(f'dim-implicit/{len(shape)}d', {}, lambda r, s=shape: [Arg('input', r.randn(*s), True)])
    c.value('large-logits', {'dim': 1}, lambda r: [Arg('input', r.randn(2, 4, scale=300), True)])
    c.value('inf-entries', {'dim': 1}, lambda r: [Arg('input', torch.tensor([[0.5, INF, 1.5, INF], [INF, 2.0, 0.0, 1.0]]), True)], note='+inf gets probability 0')
    c.value('empty', {'dim': 1}, [('input', (0, 3))])
    c.value('input-no-grad/eval', {'dim': 0}, [('input', (3, 2), False)], mode='eval')
    c.error('dim-out-of-range', {'dim': 2}, [('input', (2, 3))])
    c.error('int-input', {'dim': 1}, [ints('input', 2, 3)])
    return c


def prelu() -> Cases:
    c = Cases('PReLU', ['x where x > 0, weight * x elsewhere; weight is [numParameters], one slope or one per channel (dim 1, or dim 0 of a 1-d input); the gradient at 0 is weight',
                        'params give weight its own values (torch initialises it to init, default 0.25)'])
    c.value('one-slope/2d', {}, lambda r: [Arg('input', grid(r, (3, 4)), True)])
    c.value('one-slope/4d', {}, [('input', (2, 3, 2, 2))])
    c.value('one-slope/scalar', {}, [('input', ())])
    c.value('one-slope/1d', {}, [('input', (5,))])
    c.value('channels/2d', {'numParameters': 4}, lambda r: [Arg('input', grid(r, (3, 4)), True)])
    c.value('channels/3d', {'numParameters': 3}, [('input', (2, 3, 4))])
    c.value('channels/4d/eval', {'numParameters': 2}, [('input', (2, 2, 3, 2))], mode='eval')
    c.value('init', {'init': 0.1}, [('input', (2, 3))])
    c.value('kinks', {'numParameters': 3}, lambda r: [Arg('input', torch.tensor([[0.0, -0.0, 0.5], [-0.5, 0.0, 0.0]]), True)])
    c.value('input-no-grad', {'numParameters': 3}, [('input', (2, 3), False)], note='only param:weight gets a gradient')
    c.value('nan-inf', {}, lambda r: [Arg('input', with_specials(r, (2, 4), [INF, -INF, 0.0]), True)])
    c.value('empty', {'numParameters': 3}, [('input', (0, 3))])
    c.error('channel-mismatch', {'numParameters': 3}, [('input', (2, 4))])
    c.error('channels/scalar', {'numParameters': 3}, [('input', ())])
    c.error('channels/1d', {'numParameters': 5}, [('input', (5,))], note='a 1-d input has one channel')
    c.error('int-input', {}, [ints('input', 2, 3)])
    return c


def cosine_similarity() -> Cases:
    c = Cases('CosineSimilarity', ['forward(x1, x2): sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along dim (default 1), x1 and x2 broadcast together'])
    c.value('default', {}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('dim-0', {'dim': 0}, [('x1', (4, 3)), ('x2', (4, 3))])
    c.value('dim--1/3d', {'dim': -1}, [('x1', (2, 3, 4)), ('x2', (2, 3, 4))])
    c.value('broadcast', {}, [('x1', (3, 4)), ('x2', (1, 4))])
    c.value('broadcast/3d', {'dim': -1}, [('x1', (2, 1, 4)), ('x2', (3, 4))])
    c.value('1d/dim-0/eval', {'dim': 0}, [('x1', (5,)), ('x2', (5,))], mode='eval')
    c.value('eps', {'eps': 0.5}, lambda r: [Arg('x1', r.randn(3, 4, scale=0.1), False), Arg('x2', r.randn(3, 4), True)],
            note="x1's norms are below eps, clamped to eps; no x1 gradient: torch 1.13's clamps its saved norm in place (its gradient becomes x1 / eps), 2.x's and Tensile's pass the norm's own gradient")
    c.value('zero-vector', {}, lambda r: [Arg('x1', torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, -1.0]]), True), Arg('x2', r.randn(2, 3), True)])
    c.value('parallel', {}, lambda r: (lambda x: [Arg('x1', x, True), Arg('x2', x * 2.5, True)])(r.randn(2, 3)))
    c.value('only-x1-grad', {}, [('x1', (3, 4)), ('x2', (3, 4), False)])
    c.error('shape-mismatch', {}, [('x1', (3, 4)), ('x2', (2, 4))])
    c.error('dim-out-of-range', {'dim': 2}, [('x1', (3, 4)), ('x2', (3, 4))])
    return c


def pairwise_distance() -> Cases:
    c = Cases('PairwiseDistance', ['forward(x1, x2): ||x1 - x2 + eps||_p over the last dim (eps default 1e-6), x1 and x2 broadcast together'])
    c.value('default', {}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('keepdim', {'keepdim': True}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('p-1', {'p': 1.0}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('p-3/eval', {'p': 3.0}, [('x1', (2, 5)), ('x2', (2, 5))], mode='eval')
    c.value('p-inf', {'p': INF}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('eps-0.1', {'eps': 0.1}, [('x1', (3, 4)), ('x2', (3, 4))])
    c.value('broadcast', {}, [('x1', (3, 4)), ('x2', (4,))])
    c.value('3d', {}, [('x1', (2, 3, 4)), ('x2', (2, 3, 4))])
    c.value('1d', {}, [('x1', (4,)), ('x2', (4,))])
    c.value('equal-inputs', {}, lambda r: (lambda x: [Arg('x1', x, True), Arg('x2', x.clone(), True)])(r.randn(2, 3)), note='eps keeps the gradient finite where x1 == x2')
    c.value('only-x2-grad', {'keepdim': True}, [('x1', (3, 4), False), ('x2', (3, 4))])
    c.error('shape-mismatch', {}, [('x1', (3, 4)), ('x2', (3, 5))])
    return c


def unflatten() -> Cases:
    c = Cases('Unflatten', ['splits dim into unflattenedSize (one -1 is inferred)'])
    c.value('dim-1', {'dim': 1, 'unflattenedSize': [2, 3]}, [('input', (4, 6))])
    c.value('dim-0', {'dim': 0, 'unflattenedSize': [2, 2]}, [('input', (4, 3))])
    c.value('dim--1/3d/eval', {'dim': -1, 'unflattenedSize': [3, 1, 2]}, [('input', (2, 2, 6))], mode='eval')
    c.value('inferred', {'dim': 1, 'unflattenedSize': [-1, 2]}, [('input', (3, 8))])
    c.value('single', {'dim': 1, 'unflattenedSize': [4]}, [('input', (2, 4))])
    c.value('empty', {'dim': 1, 'unflattenedSize': [2, 0]}, [('input', (3, 0))])
    int_input_case(c, {'dim': 1, 'unflattenedSize': [3, 1]})
    c.error('bad-sizes', {'dim': 1, 'unflattenedSize': [4, 2]}, [('input', (2, 6))])
    c.error('dim-out-of-range', {'dim': 2, 'unflattenedSize': [2, 3]}, [('input', (2, 6))])
    return c


def channel_dropout(layer: str, shape: Sequence[int]) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, ['only deterministic cases: p = 0 or eval mode is the identity, p = 1 in training zeroes everything; random masks are checked in nn\'s own tests', INPLACE_NOTE])
        c.value('p-0/train', {'p': 0.0}, [('input', shape)])
        c.value('default-p/eval', {}, [('input', shape)], mode='eval')
        c.value('p-1/train', {'p': 1.0}, [('input', shape)])
        c.value('p-1/train/nan-inf', {'p': 1.0}, lambda r: [Arg('input', with_specials(r, shape, [NAN, INF]), True)])
        c.value('p-1/inplace', {'p': 1.0, 'inplace': True}, [('input', shape, False)])
        c.value('empty/train', {'p': 0.5}, [('input', (0, *shape[1:]))])
        c.error('p-negative', {'p': -0.1}, [('input', shape)])
        c.error('p-above-1', {'p': 1.5}, [('input', shape)])
        if layer == 'Dropout1d':
            c.value('unbatched/p-1', {'p': 1.0}, [('input', shape[1:])])
            c.error('4d-input', {'p': 0.5}, [('input', (2, 2, 2, 2))])
            c.error('1d-input', {'p': 0.5}, [('input', (4,))])
        return c
    gen.__name__ = layer
    return gen


# --- embedding and normalization -------------------------------------------------------------


def idx(*values) -> Callable[[Rng], list]:
    return lambda r: [Arg('input', torch.tensor(values, dtype=torch.int64), False)]


def embedding() -> Cases:
    c = Cases('Embedding', [
        'input holds int32 indices (int64 in torch); output is input.shape + [embeddingDim]; the only gradient is param:weight (rows scattered-added, repeated indices accumulate)',
        'paddingIdx only stops that row\'s gradient: the forward returns whatever the row holds (the params here give it nonzero values); a negative paddingIdx counts from the end',
    ])
    o = {'numEmbeddings': 5, 'embeddingDim': 3}
    rand_idx = lambda *shape, n=5: (lambda r: [Arg('input', r.randint(0, n, *shape), False)])
    c.value('1d', o, rand_idx(4))
    c.value('2d', o, rand_idx(2, 3))
    c.value('3d', o, rand_idx(2, 2, 2))
    c.value('scalar-index', o, lambda r: [Arg('input', torch.tensor(3), False)])
    c.value('repeated-indices', o, idx(1, 3, 1, 1, 0, 3), note='the gradient of a row picked k times is the sum of its k upstream rows')
    c.value('every-row', o, idx(4, 3, 2, 1, 0))
    c.value('eval', o, rand_idx(3), mode='eval')
    c.value('one-row', {'numEmbeddings': 1, 'embeddingDim': 4}, idx(0, 0, 0))
    c.value('dim-1', {'numEmbeddings': 6, 'embeddingDim': 1}, idx(5, 0, 2, 2))
    c.value('empty-input', o, lambda r: [Arg('input', torch.zeros(0, dtype=torch.int64), False)])
    c.value('empty-2d-input', o, lambda r: [Arg('input', torch.zeros(2, 0, dtype=torch.int64), False)])
    c.value('padding-idx-0', {**o, 'paddingIdx': 0}, idx(0, 2, 0, 4))
    c.value('padding-idx-3/2d', {**o, 'paddingIdx': 3}, lambda r: [Arg('input', torch.tensor([[3, 1, 3], [0, 3, 2]]), False)])
    c.value('padding-idx-negative', {**o, 'paddingIdx': -1}, idx(4, 4, 1, 0), note='paddingIdx -1 is row numEmbeddings - 1')
    c.value('padding-idx-not-used', {**o, 'paddingIdx': 2}, idx(0, 1, 3))
    c.value('padding-idx-null', {**o, 'paddingIdx': None}, idx(0, 1, 0))
    c.value('nan-row', o, idx(1, 2), params=lambda r, sd: {'weight': torch.where(torch.arange(5)[:, None] == 2, NAN, sd['weight'])})
    mn = {**o, 'maxNorm': 1.0}
    after = {'state_after': ['weight']}
    c.value('max-norm', mn, idx(0, 2, 4), **after, note='maxNorm: the picked rows of weight are renormalised in place before the lookup; buffersAfter.weight is weight after the forward')
    c.value('max-norm/repeated-indices', mn, idx(1, 1, 3, 1), **after)
    c.value('max-norm/some-rows-below', {**o, 'maxNorm': 1.5}, idx(0, 1, 2, 3, 4), **after,
            params=lambda r, sd: {'weight': sd['weight'] * torch.tensor([[0.2], [1.0], [0.3], [2.0], [0.1]])}, note='rows with a norm at or below maxNorm are left as they are')
    c.value('max-norm/2d-input/eval', {**o, 'maxNorm': 0.5}, lambda r: [Arg('input', torch.tensor([[0, 3], [3, 2]]), False)], mode='eval', **after, note='the renormalisation happens in eval mode too')
    c.value('max-norm/norm-type-1', {**o, 'maxNorm': 1.0, 'normType': 1.0}, idx(0, 4, 2), **after)
    c.value('max-norm/norm-type-inf', {**o, 'maxNorm': 0.5, 'normType': INF}, idx(3, 1), **after)
    c.value('max-norm/norm-type-3', {**o, 'maxNorm': 0.8, 'normType': 3.0}, idx(2, 0, 2), **after)
    c.value('max-norm/padding-idx', {**mn, 'paddingIdx': 2}, idx(2, 0, 2, 1), **after)
    c.value('max-norm/unused-rows-untouched', mn, idx(4), **after, note='only rows the input picks are renormalised')
    sg = {**o, 'scaleGradByFreq': True}
    c.value('scale-grad-by-freq', sg, idx(1, 3, 1, 1, 0, 3), note="scaleGradByFreq: each row's gradient is divided by how often its index occurs in the input")
    c.value('scale-grad-by-freq/2d', sg, lambda r: [Arg('input', torch.tensor([[2, 2, 0], [4, 2, 0]]), False)])
    c.value('scale-grad-by-freq/unique', sg, idx(0, 1, 2))
    c.value('scale-grad-by-freq/padding-idx', {**sg, 'paddingIdx': 1}, idx(1, 3, 1, 3))
    c.value('scale-grad-by-freq/max-norm', {**sg, 'maxNorm': 1.0}, idx(0, 0, 4), **after)
    c.value('sparse-false', {**o, 'sparse': False}, idx(0, 1))
    c.error('index-out-of-range', o, idx(0, 5))
    c.error('max-norm/index-out-of-range', mn, idx(0, 7), note='rejected before any row is renormalised')
    c.error('negative-index', o, idx(1, -1), note='negative indices are not counted from the end')
    c.error('float-indices', o, lambda r: [Arg('input', torch.tensor([0.0, 1.0]), False)])
    c.error('bool-indices', o, lambda r: [Arg('input', torch.tensor([True, False]), False)])
    c.error('padding-idx-too-large', {**o, 'paddingIdx': 5})
    c.error('padding-idx-too-negative', {**o, 'paddingIdx': -6})
    c.error('negative-num-embeddings', {'numEmbeddings': -2, 'embeddingDim': 3})
    c.error('negative-embedding-dim', {'numEmbeddings': 2, 'embeddingDim': -3})
    return c


def bag_by_definition(m: torch.nn.Module, args: list) -> torch.Tensor:
    """EmbeddingBag (1-D input with offsets, mode sum or mean) computed from its definition: F.embedding's rows, then each bag's sum or mean."""
    input, offsets = args[0], args[1]
    rows = torch.nn.functional.embedding(input, m.weight, scale_grad_by_freq=m.scale_grad_by_freq)
    ends = offsets.tolist()[1:] + [input.numel()]
    out = []
    for a, b in zip(offsets.tolist(), ends):
        keep = [t for t in range(a, b) if m.padding_idx is None or int(input[t]) != m.padding_idx]
        r = rows[keep].sum(0) if keep else rows.new_zeros(rows.shape[1]) + 0 * rows.sum()
        out.append(r / max(len(keep), 1) if m.mode == 'mean' else r)
    return torch.stack(out)


def embedding_bag() -> Cases:
    c = Cases('EmbeddingBag', [
        'forward(input, offsets, perSampleWeights): input holds int32 indices (int64 in torch), 2-D [bags, n] with offsets null, or 1-D with int32 offsets (the start of each bag); output [bags, embeddingDim]',
        "mode 'mean' (the default), 'sum' or 'max'; an empty bag is zeros; paddingIdx entries are left out of their bag (and of the mean's count); perSampleWeights scale each row (mode 'sum' only)",
        'includeLastOffset: offsets has one more entry than there are bags, the last is where the last bag ends (no case has indices after it: torch 1.13 corrupts its heap there)',
    ])
    o = {'numEmbeddings': 6, 'embeddingDim': 3}
    L = lambda *v: torch.tensor(v, dtype=torch.int64)
    def bag(input, offsets=None, psw=None):
        def f(r):
            out = [Arg('input', input if isinstance(input, torch.Tensor) else input(r), False), None if offsets is None else Arg('offsets', offsets, False)]
            if psw is not None:
                out.append(Arg('per_sample_weights', psw(r), True))
            return out
        return f
    for mode in ['mean', 'sum', 'max']:
        mo = {**o, 'mode': mode}
        c.value(f'{mode}/1d-offsets', mo, bag(L(0, 2, 4, 5, 4, 3, 1), L(0, 3, 5)))
        c.value(f'{mode}/2d', mo, bag(lambda r: r.randint(0, 6, 3, 4)))
        c.value(f'{mode}/empty-bag', mo, bag(L(1, 2, 3), L(0, 2, 2)), note='the middle bag is empty: zeros')
        c.value(f'{mode}/empty-last-bag', mo, bag(L(1, 2, 3), L(0, 3)))
        c.value(f'{mode}/repeated-indices', mo, bag(L(1, 1, 4, 1, 4), L(0, 3)))
        c.value(f'{mode}/include-last-offset', {**mo, 'includeLastOffset': True}, bag(L(0, 2, 4, 5, 1), L(0, 2, 5)))
        c.value(f'{mode}/padding-idx', {**mo, 'paddingIdx': 2}, bag(L(2, 0, 2, 3, 2, 2), L(0, 3, 4)), note='the last bag holds only paddingIdx: zeros')
        c.value(f'{mode}/padding-idx-negative/2d', {**mo, 'paddingIdx': -1}, bag(L(5, 1, 5, 0, 3, 5).reshape(2, 3)))
        c.value(f'{mode}/eval', mo, bag(L(0, 3, 1), L(0, 1)), mode='eval')
        c.value(f'{mode}/empty-input', mo, bag(torch.zeros(0, dtype=torch.int64), L(0, 0)))
        c.value(f'{mode}/max-norm', {**mo, 'maxNorm': 1.0}, bag(L(0, 2, 4, 2), L(0, 2)), state_after=['weight'],
                note='maxNorm renormalises every picked row of weight in place first; buffersAfter.weight is weight after the forward')
        c.value(f'{mode}/nan-row', mo, bag(L(1, 2, 3, 4), L(0, 2)), params=lambda r, sd: {'weight': torch.where(torch.arange(6)[:, None] == 2, NAN, sd['weight'])},
                note='a NaN row spoils only its own bag')
    c.value('sum/per-sample-weights', {**o, 'mode': 'sum'}, bag(L(0, 2, 4, 5, 4), L(0, 2), psw=lambda r: r.randn(5)))
    c.value('sum/per-sample-weights/2d', {**o, 'mode': 'sum'}, bag(lambda r: r.randint(0, 6, 2, 3), psw=lambda r: r.randn(2, 3)))
    c.value('sum/per-sample-weights/padding-idx', {**o, 'mode': 'sum', 'paddingIdx': 0}, bag(L(0, 2, 0, 5), L(0, 2), psw=lambda r: r.randn(4)))
    c.value('sum/per-sample-weights/include-last-offset', {**o, 'mode': 'sum', 'includeLastOffset': True}, bag(L(3, 2, 1, 5), L(0, 1, 4), psw=lambda r: r.randn(4)))
    sg_note = ("scaleGradByFreq's reference is its definition (F.embedding's scale_grad_by_freq rows, then each bag's sum or mean): torch 1.13's CPU "
               "embedding_bag backward divides by the count of another index when two indices repeat (pytorch/pytorch#190063)")
    c.value('sum/scale-grad-by-freq', {**o, 'mode': 'sum', 'scaleGradByFreq': True}, bag(L(1, 1, 4, 1, 4), L(0, 3)), call=bag_by_definition, note=sg_note)
    c.value('mean/scale-grad-by-freq', {**o, 'mode': 'mean', 'scaleGradByFreq': True}, bag(L(0, 1, 1, 2, 2, 2), L(0, 2)), call=bag_by_definition, note=sg_note)
    c.value('mean/scale-grad-by-freq/padding-idx', {**o, 'scaleGradByFreq': True, 'paddingIdx': 4}, bag(L(1, 1, 4, 1, 4), L(0, 3)), call=bag_by_definition, note=sg_note)
    c.value('max/nan-first-row', {**o, 'mode': 'max'}, bag(L(2, 1, 3, 4), L(0, 2)), params=lambda r, sd: {'weight': torch.where(torch.arange(6)[:, None] == 2, NAN, sd['weight'])},
            note="torch's max kernel starts from a bag's first row and takes a later one only when greater: a NaN first row is the bag's maximum, a later NaN is never picked (nan-row)")
    c.value('default-mode', o, bag(L(0, 1, 2), L(0, 1)), note="the default mode is 'mean'")
    c.value('one-bag', {**o, 'mode': 'sum'}, bag(L(5, 4, 3, 2, 1, 0), L(0)))
    c.value('single-index-bags', {**o, 'mode': 'max'}, bag(L(3, 1, 0), L(0, 1, 2)), note='a bag of one row is that row, in every mode')
    c.value('dim-1', {'numEmbeddings': 4, 'embeddingDim': 1, 'mode': 'max'}, bag(L(0, 3, 2, 1), L(0, 2)))
    c.error('offsets-not-starting-at-0', o, bag(L(0, 1, 2, 3), L(1, 2)))
    c.error('offsets-past-input', o, bag(L(0, 1, 2, 3), L(0, 5)))
    c.error('offsets-past-input/include-last-offset', {**o, 'includeLastOffset': True}, bag(L(0, 1, 2, 3), L(0, 2, 5)))
    c.error('offsets-decreasing', o, bag(L(0, 1, 2, 3), L(0, 3, 1)))
    c.error('offsets-negative', o, bag(L(0, 1, 2, 3), L(0, -1)))
    c.error('offsets-2d', o, bag(L(0, 1, 2, 3), L(0, 2).reshape(1, 2)))
    c.error('1d-input-without-offsets', o, bag(L(0, 1, 2, 3)))
    c.error('2d-input-with-offsets', o, bag(L(0, 1, 2, 3).reshape(2, 2), L(0, 1)))
    c.error('3d-input', o, bag(L(0, 1, 2, 3).reshape(1, 2, 2)))
    c.error('2d-input-zero-width', o, bag(torch.zeros(2, 0, dtype=torch.int64)), note='torch builds the offsets of a 2-D input with arange(0, numel, n): n = 0 is rejected')
    c.error('index-out-of-range', o, bag(L(0, 6), L(0, 1)))
    c.error('negative-index', o, bag(L(0, -1), L(0, 1)))
    c.error('float-input', o, lambda r: [Arg('input', torch.tensor([0.0, 1.0]), False), Arg('offsets', L(0, 1), False)])
    c.error('float-offsets', o, lambda r: [Arg('input', L(0, 1), False), Arg('offsets', torch.tensor([0.0, 1.0]), False)])
    c.error('per-sample-weights/mean', o, bag(L(0, 1, 2), L(0, 1), psw=lambda r: r.randn(3)))
    c.error('per-sample-weights/max', {**o, 'mode': 'max'}, bag(L(0, 1, 2), L(0, 1), psw=lambda r: r.randn(3)))
    c.error('per-sample-weights/shape', {**o, 'mode': 'sum'}, bag(L(0, 1, 2), L(0, 1), psw=lambda r: r.randn(2)))
    c.error('unknown-mode', {**o, 'mode': 'min'}, bag(L(0, 1, 2), L(0, 1)))
    c.error('max/scale-grad-by-freq', {**o, 'mode': 'max', 'scaleGradByFreq': True}, bag(L(0, 1, 2), L(0, 1)))
    c.error('padding-idx-too-large', {**o, 'paddingIdx': 6})
    c.error('padding-idx-too-negative', {**o, 'paddingIdx': -7})
    c.error('negative-num-embeddings', {'numEmbeddings': -1, 'embeddingDim': 3})
    return c


def layer_norm() -> Cases:
    c = Cases('LayerNorm', ['normalizes over the trailing normalizedShape dims with the biased variance, then weight * x + bias (both normalizedShape) when elementwiseAffine'])
    c.value('int-shape/2d', {'normalizedShape': 4}, [('input', (3, 4))])
    c.value('list-shape/3d', {'normalizedShape': [3]}, [('input', (2, 2, 3))])
    c.value('two-dims', {'normalizedShape': [2, 3]}, [('input', (2, 2, 3))])
    c.value('all-dims', {'normalizedShape': [2, 3]}, [('input', (2, 3))])
    c.value('1d-input', {'normalizedShape': 5}, [('input', (5,))])
    c.value('three-dims', {'normalizedShape': [2, 2, 2]}, [('input', (2, 2, 2, 2))])
    c.value('no-affine', {'normalizedShape': 4, 'elementwiseAffine': False}, [('input', (3, 4))])
    c.value('no-affine/two-dims', {'normalizedShape': [2, 2], 'elementwiseAffine': False}, [('input', (3, 2, 2))])
    c.value('eps-0.1', {'normalizedShape': 3, 'eps': 0.1}, [('input', (4, 3))])
    c.value('eps-0', {'normalizedShape': 3, 'eps': 0.0}, [('input', (4, 3))])
    c.value('eval', {'normalizedShape': 4}, [('input', (2, 4))], mode='eval')
    c.value('size-1-normalized', {'normalizedShape': 1}, [('input', (3, 1))], note='one element per group: the output is the bias and the input gradient 0')
    c.value('constant-rows', {'normalizedShape': 4}, lambda r: [Arg('input', torch.tensor([[2.0, 2.0, 2.0, 2.0], [-1.0, -1.0, -1.0, -1.0], [0.5, 1.0, 1.5, 2.0]]), True)],
            note='zero variance: x - mean is exactly 0, so the output is the bias')
    c.value('offset-input', {'normalizedShape': 4}, lambda r: [Arg('input', r.randn(3, 4, shift=50.0), True)])
    c.value('large-scale', {'normalizedShape': 3}, lambda r: [Arg('input', r.randn(2, 3, scale=1e3), True)])
    c.value('input-no-grad', {'normalizedShape': 3}, [('input', (2, 3), False)])
    c.value('empty-batch', {'normalizedShape': 3}, [('input', (0, 3))])
    c.value('nan', {'normalizedShape': 3}, lambda r: [Arg('input', torch.tensor([[NAN, 1.0, 2.0], [0.5, -1.0, 2.0]]), True)], note='a NaN spoils its own group only')
    c.error('last-dim-mismatch', {'normalizedShape': 3}, [('input', (2, 4))])
    c.error('trailing-dims-mismatch', {'normalizedShape': [2, 3]}, [('input', (3, 2))])
    c.error('input-rank-too-small', {'normalizedShape': [2, 3]}, [('input', (3,))])
    c.error('empty-normalized-shape', {'normalizedShape': []}, [('input', (3,))])
    c.error('negative-size', {'normalizedShape': -1})
    c.error('int-input', {'normalizedShape': 3}, [ints('input', 2, 3)])
    return c


def group_norm() -> Cases:
    c = Cases('GroupNorm', ['splits the C channels of [N, C, *] into numGroups groups, normalizes each sample\'s group with its mean and biased variance, then weight * x + bias per channel when affine'])
    c.value('2d', {'numGroups': 2, 'numChannels': 4}, [('input', (3, 4))])
    c.value('3d', {'numGroups': 3, 'numChannels': 6}, [('input', (2, 6, 5))])
    c.value('4d', {'numGroups': 2, 'numChannels': 4}, [('input', (2, 4, 3, 3))])
    c.value('one-group', {'numGroups': 1, 'numChannels': 3}, [('input', (2, 3, 4))], note='one group: LayerNorm over [C, *] with per-channel affine')
    c.value('instance', {'numGroups': 3, 'numChannels': 3}, [('input', (2, 3, 4))], note='a group per channel: InstanceNorm with affine')
    c.value('no-affine', {'numGroups': 2, 'numChannels': 4, 'affine': False}, [('input', (2, 4, 3))])
    c.value('eps-0.1', {'numGroups': 2, 'numChannels': 4, 'eps': 0.1}, [('input', (2, 4, 3))])
    c.value('eval', {'numGroups': 2, 'numChannels': 4}, [('input', (2, 4, 3))], mode='eval')
    c.value('batch-1', {'numGroups': 2, 'numChannels': 2}, [('input', (1, 2, 3))])
    c.value('size-1-group', {'numGroups': 4, 'numChannels': 4}, [('input', (2, 4))], note='one element per group: the output is the bias and the input gradient 0')
    c.value('constant', {'numGroups': 1, 'numChannels': 2}, lambda r: [Arg('input', torch.full((2, 2, 3), 1.5), True)], note='zero variance: the output is the bias')
    c.value('offset-input', {'numGroups': 2, 'numChannels': 4}, lambda r: [Arg('input', r.randn(2, 4, 3, shift=40.0), True)])
    c.value('empty-spatial-batch', {'numGroups': 2, 'numChannels': 4}, [('input', (0, 4, 3))])
    c.error('channels-mismatch', {'numGroups': 2, 'numChannels': 4}, [('input', (2, 6, 3))])
    c.error('not-divisible', {'numGroups': 3, 'numChannels': 4})
    c.error('int-input', {'numGroups': 1, 'numChannels': 3}, [ints('input', 2, 3)])
    return c


def rms_norm_layer() -> Cases:
    c = Cases('RMSNorm', ['PyTorch 2.4: x / sqrt(mean(x^2 over the trailing normalizedShape dims) + eps) * weight; PyTorch 1.13 lacks it, so these come from its formula in float64',
                          'eps null is the machine epsilon of the input dtype (float32: 2^-23)'])
    c.value('int-shape/2d', {'normalizedShape': 4}, [('input', (3, 4))])
    c.value('list-shape/3d', {'normalizedShape': [3]}, [('input', (2, 2, 3))])
    c.value('two-dims', {'normalizedShape': [2, 3]}, [('input', (2, 2, 3))])
    c.value('1d-input', {'normalizedShape': 5}, [('input', (5,))])
    c.value('no-affine', {'normalizedShape': 4, 'elementwiseAffine': False}, [('input', (3, 4))])
    c.value('eps-0.1', {'normalizedShape': 3, 'eps': 0.1}, [('input', (4, 3))])
    c.value('size-1', {'normalizedShape': 1}, [('input', (3, 1))])
    c.value('zeros', {'normalizedShape': 3}, lambda r: [Arg('input', torch.zeros(2, 3), True)], note='x = 0: eps keeps the output 0 and the gradient finite')
    c.value('large-scale', {'normalizedShape': 3}, lambda r: [Arg('input', r.randn(2, 3, scale=1e3), True)])
    c.value('empty-batch', {'normalizedShape': 3}, [('input', (0, 3))])
    c.value('eval', {'normalizedShape': 4}, [('input', (2, 4))], mode='eval')
    c.error('last-dim-mismatch', {'normalizedShape': 3}, [('input', (2, 4))])
    c.error('input-rank-too-small', {'normalizedShape': [2, 3]}, [('input', (3,))])
    c.error('negative-size', {'normalizedShape': -1})
    c.error('int-input', {'normalizedShape': 3}, [ints('input', 2, 3)])
    return c


def batch_norm(layer: str) -> Callable[[], Cases]:
    two = layer == 'BatchNorm2d'

    def shape(n: int, c_: int, *rest: int) -> tuple:
        return (n, c_, *rest)

    def gen() -> Cases:
        c = Cases(layer, [
            "train mode normalizes with the batch's biased variance and updates running_var with the unbiased one (n / (n - 1)); running = (1 - momentum) * running + momentum * batch; num_batches_tracked += 1",
            'momentum null: a cumulative average, the update factor is 1 / num_batches_tracked after its increment (the stored num_batches_tracked + 1)',
            'trackRunningStats false: no buffers, batch statistics in eval mode too; affine false: no weight and bias',
            'eval mode with running statistics normalizes with running_mean and running_var and changes nothing',
        ])
        x4 = (2, 3, 2, 2) if two else (4, 3)
        x3 = None if two else (2, 3, 3)
        o = {'numFeatures': 3}
        c.value('train/basic', o, [('input', x4)])
        if x3:
            c.value('train/3d', o, [('input', x3)])
        c.value('eval/basic', o, [('input', x4)], mode='eval')
        if x3:
            c.value('eval/3d', o, [('input', x3)], mode='eval')
        c.value('train/momentum-0.3', {**o, 'momentum': 0.3}, [('input', x4)])
        c.value('train/momentum-0', {**o, 'momentum': 0.0}, [('input', x4)], note='momentum 0: running stats stay, num_batches_tracked still counts')
        c.value('train/momentum-1', {**o, 'momentum': 1.0}, [('input', x4)], note='momentum 1: running stats become the batch statistics')
        c.value('train/momentum-null', {**o, 'momentum': None}, [('input', x4)],
                params=lambda r, sd: {'num_batches_tracked': torch.tensor(3, dtype=torch.int64)})
        c.value('train/momentum-null/first-batch', {**o, 'momentum': None}, [('input', x4)],
                params=lambda r, sd: {'num_batches_tracked': torch.tensor(0, dtype=torch.int64)}, note='the first batch replaces the running stats')
        c.value('eval/momentum-null', {**o, 'momentum': None}, [('input', x4)], mode='eval')
        c.value('train/eps-0.1', {**o, 'eps': 0.1}, [('input', x4)])
        c.value('eval/eps-0.5', {**o, 'eps': 0.5}, [('input', x4)], mode='eval')
        c.value('train/no-affine', {**o, 'affine': False}, [('input', x4)])
        c.value('eval/no-affine', {**o, 'affine': False}, [('input', x4)], mode='eval')
        c.value('train/no-running-stats', {**o, 'trackRunningStats': False}, [('input', x4)])
        c.value('eval/no-running-stats', {**o, 'trackRunningStats': False}, [('input', x4)], mode='eval', note='batch statistics in eval mode too')
        c.value('train/no-affine-no-running-stats', {**o, 'affine': False, 'trackRunningStats': False}, [('input', x4)])
        c.value('eval/no-affine-no-running-stats', {**o, 'affine': False, 'trackRunningStats': False}, [('input', x4)], mode='eval')
        c.value('train/no-running-stats/momentum-null', {**o, 'trackRunningStats': False, 'momentum': None}, [('input', x4)])
        c.value('train/input-no-grad', o, [('input', x4, False)])
        c.value('eval/input-no-grad', o, [('input', x4, False)], mode='eval')
        c.value('train/two-samples', {'numFeatures': 2}, [('input', (2, 2, 1, 1) if two else (2, 2))], note='the smallest batch training accepts')
        c.value('train/one-sample-many-values', {'numFeatures': 2}, [('input', (1, 2, 2, 3) if two else (1, 2, 4))])
        c.value('eval/one-sample', o, [('input', (1, 3, 1, 1) if two else (1, 3))], mode='eval', note='one value per channel is fine in eval mode with running stats')
        c.value('train/one-feature', {'numFeatures': 1}, [('input', (3, 1, 2, 2) if two else (5, 1))])
        c.value('train/offset-input', o, lambda r: [Arg('input', r.randn(*x4, shift=20.0), True)])
        c.value('train/constant-channel', {'numFeatures': 2}, lambda r: [Arg('input', torch.stack([torch.full((3,) + ((2, 2) if two else ()), 1.5), r.randn(3, *((2, 2) if two else ()))], 1), True)],
                note='a channel with zero variance: normalized to 0, its running_var update is (1 - momentum) * running_var')
        c.value('train/nan', o, lambda r: [Arg('input', with_specials(r, x4, [NAN]), True)], note='a NaN spoils its own channel, running stats included')
        c.value('eval/nan-inf', o, lambda r: [Arg('input', with_specials(r, x4, [NAN, INF]), True)], mode='eval')
        c.value('train/empty-batch', o, [('input', (0, 3, 2, 2) if two else (0, 3))], note='an empty batch: empty output, running stats unchanged, num_batches_tracked still counts')
        c.value('eval/empty-batch', o, [('input', (0, 3, 1, 2) if two else (0, 3, 2))], mode='eval')
        c.value('train/1x1-spatial' if two else 'train/3d-length-1', o, [('input', (3, 3, 1, 1) if two else (3, 3, 1))])
        c.error('wrong-channels', o, [('input', (4, 4, 2, 2) if two else (4, 4))])
        c.error('wrong-channels/eval', o, [('input', (4, 2, 2, 2) if two else (4, 2))], mode='eval')
        c.error('one-value-per-channel', o, [('input', (1, 3, 1, 1) if two else (1, 3))], note='training needs more than one value per channel')
        c.error('one-value-per-channel/no-running-stats/eval', {**o, 'trackRunningStats': False}, [('input', (1, 3, 1, 1) if two else (1, 3))], mode='eval')
        for bad in ([(3, 2, 2), (2, 3, 2, 2, 2), (2, 3)] if two else [(3,), (2, 3, 2, 2)]):
            c.error(f'{len(bad)}d-input', o, [('input', bad)])
        c.error('negative-features', {'numFeatures': -1})
        c.error('int-input', o, [ints('input', *x4)])
        return c
    gen.__name__ = layer
    return gen


# --- convolutions ----------------------------------------------------------------------------


def conv(layer: str, d: int) -> Callable[[], Cases]:
    def sp(*v: int) -> tuple:
        """A spatial size: v for 1-d, v per dim (or as given) for 2-d."""
        return tuple(v[:1]) if d == 1 else (tuple(v) if len(v) == 2 else (v[0], v[0]))

    def per_dim(a, b):
        return [a] if d == 1 else [a, b]

    def gen() -> Cases:
        c = Cases(layer, [
            f'weight is (outChannels, inChannels / groups, *kernelSize), bias (outChannels); input (N, C, *spatial) or unbatched (C, *spatial)',
            "padding 'same' pads (dilation * (kernel - 1)) // 2 before and the rest after (one more after for an even total); 'valid' is no padding",
            "paddingMode 'reflect', 'replicate' and 'circular' pad the input that way (by padding on both sides) before a 'valid' convolution",
        ])
        o = {'inChannels': 2, 'outChannels': 3, 'kernelSize': 3}
        L = 5 if d == 1 else 4
        x = (2, 2, *sp(L))
        c.value('basic', o, [('input', x)])
        c.value('eval', o, [('input', x)], mode='eval')
        c.value('no-bias', {**o, 'bias': False}, [('input', x)])
        c.value('stride-2', {**o, 'stride': 2}, [('input', (2, 2, *sp(L + 2)))])
        c.value('stride-larger-than-kernel', {**o, 'kernelSize': 2, 'stride': 3}, [('input', (1, 2, *sp(L + 3)))])
        c.value('padding-1', {**o, 'padding': 1}, [('input', x)])
        c.value('padding-2/kernel-2', {**o, 'kernelSize': 2, 'padding': 2}, [('input', (1, 2, *sp(3)))])
        c.value('padding-list', {**o, 'padding': per_dim(2, 1)}, [('input', x)])
        c.value('dilation-2', {**o, 'dilation': 2}, [('input', (2, 2, *sp(L + 2)))])
        c.value('dilation-2/padding-2', {**o, 'dilation': 2, 'padding': 2}, [('input', x)])
        c.value('stride-2/dilation-2/padding-1', {**o, 'stride': 2, 'dilation': 2, 'padding': 1}, [('input', (1, 2, *sp(L + 3)))])
        c.value('groups-2', {'inChannels': 4, 'outChannels': 2, 'kernelSize': 2, 'groups': 2}, [('input', (2, 4, *sp(3)))])
        c.value('groups-2/multiplier-2', {'inChannels': 2, 'outChannels': 4, 'kernelSize': 2, 'groups': 2}, [('input', (2, 2, *sp(3)))])
        c.value('depthwise', {'inChannels': 3, 'outChannels': 3, 'kernelSize': 2, 'groups': 3}, [('input', (2, 3, *sp(3)))])
        c.value('groups-2/no-bias/padding-1', {'inChannels': 2, 'outChannels': 2, 'kernelSize': 3, 'groups': 2, 'bias': False, 'padding': 1}, [('input', (1, 2, *sp(3)))])
        c.value('padding-same/odd-kernel', {**o, 'padding': 'same'}, [('input', x)])
        c.value('padding-same/even-kernel', {**o, 'kernelSize': 4, 'padding': 'same'}, [('input', x)], note="an even kernel pads one more after than before")
        c.value('padding-same/dilation-2', {**o, 'kernelSize': 2, 'dilation': 2, 'padding': 'same'}, [('input', x)])
        c.value('padding-same/dilation-3/even-total', {**o, 'kernelSize': 2, 'dilation': 3, 'padding': 'same'}, [('input', x)])
        c.value('padding-valid', {**o, 'padding': 'valid'}, [('input', x)])
        c.value('kernel-1', {**o, 'kernelSize': 1}, [('input', x)])
        c.value('kernel-equals-input', {**o, 'kernelSize': L}, [('input', x)])
        c.value('unbatched', o, [('input', (2, *sp(L)))])
        c.value('unbatched/padding-same', {**o, 'padding': 'same'}, [('input', (2, *sp(L)))])
        c.value('single-sample', o, [('input', (1, 2, *sp(L)))])
        c.value('one-in-one-out', {'inChannels': 1, 'outChannels': 1, 'kernelSize': 2}, [('input', (3, 1, *sp(4)))])
        c.value('input-no-grad', o, [('input', x, False)])
        c.value('empty-batch', o, [('input', (0, 2, *sp(L)))])
        c.value('nan-inf', o, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(L)), [NAN, INF]), True)], note='a NaN or inf reaches every output whose window holds it')
        if d == 2:
            c.value('kernel-2x3', {**o, 'kernelSize': [2, 3]}, [('input', (1, 2, 3, 5))])
            c.value('stride-1x2', {**o, 'stride': [1, 2]}, [('input', (1, 2, 4, 5))])
            c.value('dilation-2x1', {**o, 'dilation': [2, 1]}, [('input', (1, 2, 5, 4))])
            c.value('padding-same/kernel-2x3', {**o, 'kernelSize': [2, 3], 'padding': 'same'}, [('input', (1, 2, 3, 4))])
            c.value('non-square-input', o, [('input', (1, 2, 3, 6))])
            c.value('everything', {'inChannels': 4, 'outChannels': 2, 'kernelSize': [3, 2], 'stride': [2, 1], 'padding': [1, 2], 'dilation': [1, 2], 'groups': 2},
                    [('input', (1, 4, 4, 3))])
        for mode in ['reflect', 'replicate', 'circular']:
            c.value(f'padding-mode-{mode}', {**o, 'padding': 1, 'paddingMode': mode}, [('input', x)])
            c.value(f'padding-mode-{mode}/padding-2', {**o, 'kernelSize': 2, 'padding': 2, 'paddingMode': mode}, [('input', (1, 2, *sp(3)))])
            c.value(f'padding-mode-{mode}/same', {**o, 'kernelSize': 4, 'padding': 'same', 'paddingMode': mode}, [('input', (1, 2, *sp(L)))])
            if mode != 'circular':  # torch 1.13's circular pad needs a batch dim (a limitation, not mirrored)
                c.value(f'padding-mode-{mode}/unbatched', {**o, 'padding': 1, 'paddingMode': mode}, [('input', (2, *sp(L)))])
            c.value(f'padding-mode-{mode}/stride-2', {**o, 'padding': 2, 'stride': 2, 'paddingMode': mode}, [('input', (1, 2, *sp(L)))])
            if d == 2:
                c.value(f'padding-mode-{mode}/padding-2x1', {**o, 'padding': [2, 1], 'paddingMode': mode}, [('input', (1, 2, 3, 4))])
        c.value('padding-mode-zeros', {**o, 'padding': 1, 'paddingMode': 'zeros'}, [('input', x)])
        c.error('wrong-channels', o, [('input', (2, 3, *sp(L)))])
        c.error('wrong-channels/unbatched', o, [('input', (3, *sp(L)))])
        c.error('kernel-larger-than-input', {**o, 'kernelSize': L + 1}, [('input', x)])
        c.error('dilated-kernel-larger-than-padded-input', {**o, 'dilation': 2, 'padding': 1}, [('input', (1, 2, *sp(2)))])
        c.error('groups-not-dividing-in-channels', {'inChannels': 3, 'outChannels': 2, 'kernelSize': 2, 'groups': 2})
        c.error('groups-not-dividing-out-channels', {'inChannels': 2, 'outChannels': 3, 'kernelSize': 2, 'groups': 2})
        c.error('groups-0', {**o, 'groups': 0})
        c.error('padding-same-strided', {**o, 'padding': 'same', 'stride': 2})
        c.error('padding-invalid-string', {**o, 'padding': 'full'})
        c.error('padding-mode-invalid', {**o, 'paddingMode': 'mirror'})
        c.error('negative-padding', {**o, 'padding': -1}, [('input', x)])
        c.error('stride-0', {**o, 'stride': 0}, [('input', x)])
        c.error('dilation-0', {**o, 'dilation': 0}, [('input', x)])
        c.error('kernel-0', {**o, 'kernelSize': 0}, [('input', x)])
        c.error('negative-in-channels', {**o, 'inChannels': -2})
        c.error(f'{d + 3}d-input', o, [('input', (1, 2, *sp(L), 2))])
        c.error(f'{d}d-input', o, [('input', sp(L))])
        c.error('reflect-padding-too-large', {**o, 'kernelSize': 2, 'padding': 3, 'paddingMode': 'reflect'}, [('input', (1, 2, *sp(3)))], note='reflect padding must be smaller than the input size')
        c.error('circular-padding-too-large', {**o, 'kernelSize': 2, 'padding': 4, 'paddingMode': 'circular'}, [('input', (1, 2, *sp(3)))], note='circular padding may wrap around at most once')
        c.error('kernel-larger-than-padded-input', {**o, 'kernelSize': 4, 'padding': 0}, [('input', (1, 2, *sp(3)))])
        c.error('int-input', o, [ints('input', *x)])
        return c
    gen.__name__ = layer
    return gen


def output_size_call(size):
    def call(m, args):
        return m(args[0], output_size=size)
    return call


def conv_transpose(layer: str, d: int) -> Callable[[], Cases]:
    def sp(*v: int) -> tuple:
        return tuple(v[:1]) if d == 1 else (tuple(v) if len(v) == 2 else (v[0], v[0]))

    def per_dim(a, b):
        return [a] if d == 1 else [a, b]

    def gen() -> Cases:
        c = Cases(layer, [
            'weight is (inChannels, outChannels / groups, *kernelSize), bias (outChannels)',
            'output size per dim: (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1',
            'a second arg, when present, is forward\'s outputSize (the spatial sizes wanted; PyTorch picks the outputPadding that gives them)',
        ])
        o = {'inChannels': 2, 'outChannels': 3, 'kernelSize': 3}
        x = (2, 2, *sp(3))
        c.value('basic', o, [('input', x)])
        c.value('eval', o, [('input', x)], mode='eval')
        c.value('no-bias', {**o, 'bias': False}, [('input', x)])
        c.value('stride-2', {**o, 'stride': 2}, [('input', x)])
        c.value('stride-3/kernel-2', {**o, 'stride': 3, 'kernelSize': 2}, [('input', x)], note='stride larger than the kernel leaves zero gaps (bias only)')
        c.value('padding-1', {**o, 'padding': 1}, [('input', x)])
        c.value('padding-2/stride-2', {**o, 'padding': 2, 'stride': 2}, [('input', x)])
        c.value('output-padding-1', {**o, 'stride': 2, 'outputPadding': 1}, [('input', x)])
        c.value('output-padding-2/stride-3', {**o, 'stride': 3, 'outputPadding': 2}, [('input', (1, 2, *sp(2)))])
        c.value('dilation-2', {**o, 'dilation': 2}, [('input', x)])
        c.value('output-padding-1/dilation-2', {**o, 'dilation': 2, 'outputPadding': 1}, [('input', x)], note='outputPadding may reach stride when it is below dilation')
        c.value('groups-2', {'inChannels': 4, 'outChannels': 2, 'kernelSize': 2, 'groups': 2}, [('input', (2, 4, *sp(2)))])
        c.value('groups-2/multiplier-2', {'inChannels': 2, 'outChannels': 4, 'kernelSize': 2, 'groups': 2, 'stride': 2}, [('input', (1, 2, *sp(2)))])
        c.value('depthwise', {'inChannels': 3, 'outChannels': 3, 'kernelSize': 2, 'groups': 3}, [('input', (1, 3, *sp(2)))])
        c.value('kernel-1', {**o, 'kernelSize': 1}, [('input', x)])
        c.value('kernel-1/stride-2', {**o, 'kernelSize': 1, 'stride': 2}, [('input', x)])
        c.value('padding-list', {**o, 'padding': per_dim(1, 0)}, [('input', x)])
        c.value('unbatched', o, [('input', (2, *sp(3)))])
        c.value('unbatched/stride-2', {**o, 'stride': 2}, [('input', (2, *sp(2)))])
        c.value('single-sample', o, [('input', (1, 2, *sp(2)))])
        c.value('one-in-one-out', {'inChannels': 1, 'outChannels': 1, 'kernelSize': 2}, [('input', (2, 1, *sp(3)))])
        c.value('input-no-grad', o, [('input', x, False)])
        c.value('empty-batch', o, [('input', (0, 2, *sp(3)))])
        c.value('nan', o, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(3)), [NAN]), True)])
        c.value('output-size', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(1, 2, *sp(3)), True), list(sp(8))],
                call=output_size_call(list(sp(8))), note='outputSize 8 with stride 2: outputPadding 1')
        c.value('output-size/minimum', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(1, 2, *sp(3)), True), list(sp(7))], call=output_size_call(list(sp(7))))
        c.value('output-size/with-batch-and-channel-dims', {**o, 'stride': 3}, lambda r: [Arg('input', r.randn(1, 2, *sp(2)), True), [1, 3, *sp(7)]],
                call=output_size_call([1, 3, *sp(7)]), note='outputSize may also list the batch and channel dims; only the trailing spatial sizes count')
        c.value('output-size/unbatched', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(2, *sp(2)), True), list(sp(6))], call=output_size_call(list(sp(6))))
        if d == 2:
            c.value('kernel-2x3', {**o, 'kernelSize': [2, 3]}, [('input', (1, 2, 2, 3))])
            c.value('stride-2x1/output-padding-1x0', {**o, 'stride': [2, 1], 'outputPadding': [1, 0]}, [('input', (1, 2, 2, 3))])
            c.value('everything', {'inChannels': 2, 'outChannels': 4, 'kernelSize': [3, 2], 'stride': [2, 3], 'padding': [1, 0], 'outputPadding': [1, 2],
                                   'dilation': [1, 2], 'groups': 2}, [('input', (1, 2, 2, 2))])
            c.value('output-size/per-dim', {**o, 'stride': [2, 3]}, lambda r: [Arg('input', r.randn(1, 2, 2, 2), True), [6, 8]], call=output_size_call([6, 8]))
        c.error('output-padding-too-large', {**o, 'stride': 2, 'outputPadding': 2}, [('input', x)])
        c.error('output-padding-equals-stride', {**o, 'outputPadding': 1}, [('input', x)])
        c.error('wrong-channels', o, [('input', (1, 3, *sp(3)))])
        c.error('groups-not-dividing-in-channels', {'inChannels': 3, 'outChannels': 2, 'kernelSize': 2, 'groups': 2})
        c.error('groups-not-dividing-out-channels', {'inChannels': 2, 'outChannels': 3, 'kernelSize': 2, 'groups': 2})
        c.error('output-too-small', {**o, 'padding': 3}, [('input', (1, 2, *sp(1)))])
        c.error('padding-mode-reflect', {**o, 'paddingMode': 'reflect'})
        c.error('padding-same', {**o, 'padding': 'same'}, [('input', x)], note="torch builds it but forward refuses a string padding for transposed convolutions")
        c.error('stride-0', {**o, 'stride': 0}, [('input', x)])
        c.error('negative-padding', {**o, 'padding': -1}, [('input', x)])
        c.error(f'{d + 3}d-input', o, [('input', (1, 2, *sp(3), 2))])
        c.error(f'{d}d-input', o, [('input', sp(3))])
        c.error('output-size-out-of-range', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(1, 2, *sp(3)), True), list(sp(9))], call=output_size_call(list(sp(9))))
        c.error('output-size-too-small', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(1, 2, *sp(3)), True), list(sp(6))], call=output_size_call(list(sp(6))))
        c.error('int-input', o, [ints('input', *x)])
        c.error('output-size-wrong-length', {**o, 'stride': 2}, lambda r: [Arg('input', r.randn(1, 2, *sp(3)), True), [8] * (d + 1)], call=output_size_call([8] * (d + 1)))
        return c
    gen.__name__ = layer
    return gen


# --- pooling ---------------------------------------------------------------------------------


def max_pool(layer: str, d: int) -> Callable[[], Cases]:
    def sp(*v: int) -> tuple:
        return tuple(v[:1]) if d == 1 else (tuple(v) if len(v) == 2 else (v[0], v[0]))

    def gen() -> Cases:
        c = Cases(layer, [
            'stride defaults to kernelSize; padding pads with -inf; ceilMode adds a last window when it starts inside the input or its left padding',
            'returnIndices: output is [values, indices] with gradOutput [g, null]; indices are flat positions in each (unpadded) input plane (h * W + w)',
            'ties give the whole gradient to the first maximum of the window in row-major order; a window of -inf picks its first element inside the input',
            'a NaN is the maximum of its window (no case has two NaNs in one window: PyTorch then picks the last)',
        ])
        L = 6 if d == 1 else 4
        dx = lambda *shape: (lambda r: [Arg('input', distinct(r, shape), True)])
        x = (2, 2, *sp(L))
        c.value('kernel-2', {'kernelSize': 2}, dx(*x))
        c.value('kernel-2/eval', {'kernelSize': 2}, dx(*x), mode='eval')
        c.value('kernel-3/stride-1', {'kernelSize': 3, 'stride': 1}, dx(*x))
        c.value('kernel-2/stride-1', {'kernelSize': 2, 'stride': 1}, dx(1, 2, *sp(L)))
        c.value('kernel-3/stride-2', {'kernelSize': 3, 'stride': 2}, dx(1, 2, *sp(L + 1)))
        c.value('kernel-2/stride-3', {'kernelSize': 2, 'stride': 3}, dx(1, 2, *sp(L + 1)), note='elements between windows get no gradient')
        c.value('stride-null', {'kernelSize': 2, 'stride': None}, dx(1, 2, *sp(L)))
        c.value('padding-1', {'kernelSize': 3, 'stride': 2, 'padding': 1}, dx(1, 2, *sp(L)))
        c.value('padding-1/kernel-2', {'kernelSize': 2, 'padding': 1}, dx(1, 1, *sp(L)))
        c.value('dilation-2', {'kernelSize': 2, 'stride': 1, 'dilation': 2}, dx(1, 2, *sp(L)))
        c.value('dilation-2/padding-1', {'kernelSize': 3, 'stride': 2, 'dilation': 2, 'padding': 1}, dx(1, 1, *sp(L + 1)))
        c.value('ceil-mode', {'kernelSize': 2, 'ceilMode': True}, dx(1, 2, *sp(L + 1)), note='the last window is partial')
        c.value('ceil-mode/no-effect', {'kernelSize': 2, 'ceilMode': True}, dx(1, 2, *sp(L)))
        c.value('ceil-mode/stride-2/kernel-3', {'kernelSize': 3, 'stride': 2, 'ceilMode': True}, dx(1, 1, *sp(L)))
        c.value('ceil-mode/padding-1', {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, dx(1, 1, *sp(L - 1)),
                note='a window that would start in the right padding is dropped')
        c.value('ceil-mode/kernel-larger-than-input', {'kernelSize': L + 1, 'ceilMode': True}, dx(1, 2, *sp(L)))
        c.value('return-indices', {'kernelSize': 2, 'returnIndices': True}, dx(*x))
        c.value('return-indices/padding/stride', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'returnIndices': True}, dx(1, 2, *sp(L)))
        c.value('return-indices/dilation/ceil', {'kernelSize': 2, 'stride': 2, 'dilation': 2, 'ceilMode': True, 'returnIndices': True}, dx(1, 1, *sp(L + 1)))
        c.value('return-indices/unbatched', {'kernelSize': 2, 'returnIndices': True}, dx(2, *sp(L)))
        c.value('return-indices/input-no-grad', {'kernelSize': 2, 'returnIndices': True}, lambda r: [Arg('input', distinct(r, (1, 2, *sp(L))), False)])
        c.value('unbatched', {'kernelSize': 2}, dx(2, *sp(L)))
        c.value('kernel-1', {'kernelSize': 1}, dx(1, 2, *sp(3)))
        c.value('kernel-equals-input', {'kernelSize': L}, dx(2, 2, *sp(L)))
        c.value('size-1-input', {'kernelSize': 1}, dx(2, 3, *sp(1)))
        c.value('ties', {'kernelSize': 2, 'stride': 1}, lambda r: [Arg('input', grid(r, (1, 2, *sp(L)), lo=-1, hi=2), True)],
                note='many ties: each window\'s gradient goes to its first maximum')
        c.value('ties/overlapping-windows', {'kernelSize': 3, 'stride': 1, 'padding': 1, 'returnIndices': True}, lambda r: [Arg('input', torch.ones(1, 1, *sp(L)), True)])
        c.value('all-neg-inf/padding', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'returnIndices': True}, lambda r: [Arg('input', torch.full((1, 1, *sp(L)), -INF), True)],
                note='every value -inf ties with the padding: each window picks (and passes its gradient to) its first element inside the input')
        c.value('neg-inf-and-nan', {'kernelSize': 2, 'returnIndices': True}, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(L)), [NAN, -INF, INF]), True)],
                note='a NaN is the maximum of its window')
        c.value('large-kernel-list' if d == 2 else 'kernel-list', {'kernelSize': per(d, 3, 2), 'stride': per(d, 1, 2)}, dx(1, 2, *sp(L)))
        if d == 2:
            c.value('kernel-2x3/stride-1x2/padding-1x0', {'kernelSize': [2, 3], 'stride': [1, 2], 'padding': [1, 0]}, dx(1, 2, 3, 5))
            c.value('dilation-1x2', {'kernelSize': 2, 'stride': 1, 'dilation': [1, 2]}, dx(1, 1, 3, 5))
            c.value('ceil-mode/per-dim', {'kernelSize': [2, 3], 'stride': 2, 'ceilMode': True, 'returnIndices': True}, dx(1, 1, 5, 4))
            c.value('non-square', {'kernelSize': 2}, dx(1, 2, 2, 6))
        c.error('padding-more-than-half-kernel', {'kernelSize': 2, 'padding': 2}, [('input', x)])
        c.error('kernel-0', {'kernelSize': 0}, [('input', x)])
        c.error('stride-0', {'kernelSize': 2, 'stride': 0}, [('input', x)])
        c.error('dilation-0', {'kernelSize': 2, 'dilation': 0}, [('input', x)])
        c.error('negative-padding', {'kernelSize': 2, 'padding': -1}, [('input', x)])
        c.error('output-too-small', {'kernelSize': L + 1}, [('input', x)], note='requiresGrad input (torch 1.13\'s max_pool1d without grad returns an empty output instead)')
        c.error('dilated-output-too-small', {'kernelSize': 3, 'dilation': 3}, [('input', x)])
        c.error(f'{d}d-input', {'kernelSize': 2}, [('input', sp(L))])
        c.error(f'{d + 3}d-input', {'kernelSize': 2}, [('input', (1, 2, *sp(L), 2))])
        c.error('empty-channels', {'kernelSize': 2}, [('input', (1, 0, *sp(L)))])
        c.error('int-input', {'kernelSize': 2}, [ints('input', *x)])
        return c
    gen.__name__ = layer
    return gen


def per(d: int, a, b):
    return [a] if d == 1 else [a, b]


def avg_pool(layer: str, d: int) -> Callable[[], Cases]:
    def sp(*v: int) -> tuple:
        return tuple(v[:1]) if d == 1 else (tuple(v) if len(v) == 2 else (v[0], v[0]))

    def gen() -> Cases:
        notes = [
            'stride defaults to kernelSize; padding pads with zeros; countIncludePad (default true) counts the padding in the divisor; ceilMode windows that run past the padded input never count the overhang',
        ]
        if d == 2:
            notes.append('divisorOverride replaces every window\'s divisor')
        c = Cases(layer, notes)
        L = 6 if d == 1 else 4
        x = (2, 2, *sp(L))
        c.value('kernel-2', {'kernelSize': 2}, [('input', x)])
        c.value('kernel-2/eval', {'kernelSize': 2}, [('input', x)], mode='eval')
        c.value('kernel-3/stride-1', {'kernelSize': 3, 'stride': 1}, [('input', x)])
        c.value('kernel-3/stride-2', {'kernelSize': 3, 'stride': 2}, [('input', (1, 2, *sp(L + 1)))])
        c.value('kernel-2/stride-3', {'kernelSize': 2, 'stride': 3}, [('input', (1, 2, *sp(L + 1)))])
        c.value('stride-null', {'kernelSize': 2, 'stride': None}, [('input', (1, 2, *sp(L)))])
        c.value('padding-1', {'kernelSize': 3, 'stride': 2, 'padding': 1}, [('input', (1, 2, *sp(L)))])
        c.value('padding-1/exclude-pad', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}, [('input', (1, 2, *sp(L)))])
        c.value('padding-1/kernel-2/exclude-pad', {'kernelSize': 2, 'padding': 1, 'countIncludePad': False}, [('input', (1, 1, *sp(L)))])
        c.value('ceil-mode', {'kernelSize': 2, 'ceilMode': True}, [('input', (1, 2, *sp(L + 1)))], note='the partial last window divides by the elements it covers')
        c.value('ceil-mode/exclude-pad', {'kernelSize': 2, 'ceilMode': True, 'countIncludePad': False}, [('input', (1, 2, *sp(L + 1)))])
        c.value('ceil-mode/padding-1', {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, [('input', (1, 1, *sp(L - 1)))])
        c.value('ceil-mode/padding-1/kernel-3', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, [('input', (1, 1, *sp(L - 1)))],
                note='with padding counted, a window is clipped to the padded input')
        c.value('ceil-mode/padding-1/exclude-pad', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}, [('input', (1, 1, *sp(L - 1)))])
        c.value('ceil-mode/kernel-larger-than-input', {'kernelSize': L + 1, 'ceilMode': True}, [('input', (1, 2, *sp(L)))])
        c.value('unbatched', {'kernelSize': 2}, [('input', (2, *sp(L)))])
        c.value('unbatched/padding-1', {'kernelSize': 3, 'padding': 1, 'stride': 1}, [('input', (1, *sp(3)))])
        c.value('kernel-1', {'kernelSize': 1}, [('input', (1, 2, *sp(3)))])
        c.value('kernel-equals-input', {'kernelSize': L}, [('input', (2, 2, *sp(L)))])
        c.value('size-1-input', {'kernelSize': 1}, [('input', (2, 3, *sp(1)))])
        c.value('input-no-grad', {'kernelSize': 2}, [('input', x, False)])
        c.value('nan-inf', {'kernelSize': 2}, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(L)), [NAN, INF, -INF]), True)])
        c.value('empty-batch', {'kernelSize': 2}, [('input', (0, 2, *sp(L)))])
        c.value('kernel-list', {'kernelSize': per(d, 3, 2), 'stride': per(d, 1, 2)}, [('input', (1, 2, *sp(L)))])
        if d == 2:
            c.value('kernel-2x3/stride-1x2/padding-1x1', {'kernelSize': [2, 3], 'stride': [1, 2], 'padding': [1, 1]}, [('input', (1, 2, 3, 5))])
            c.value('non-square', {'kernelSize': 2}, [('input', (1, 2, 2, 6))])
            c.value('divisor-override-3', {'kernelSize': 2, 'divisorOverride': 3}, [('input', x)])
            c.value('divisor-override/padding/ceil', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'divisorOverride': 2}, [('input', (1, 1, *sp(L - 1)))])
            c.value('divisor-override/exclude-pad', {'kernelSize': 2, 'padding': 1, 'countIncludePad': False, 'divisorOverride': 5}, [('input', (1, 1, *sp(L)))],
                    note='divisorOverride wins over countIncludePad')
            c.value('divisor-override-negative', {'kernelSize': 2, 'divisorOverride': -2}, [('input', (1, 2, *sp(L)))])
            c.value('divisor-override-null', {'kernelSize': 2, 'divisorOverride': None}, [('input', (1, 2, *sp(L)))])
            c.error('divisor-override-0', {'kernelSize': 2, 'divisorOverride': 0}, [('input', x)])
        c.error('padding-more-than-half-kernel', {'kernelSize': 2, 'padding': 2}, [('input', x)])
        c.error('kernel-0', {'kernelSize': 0}, [('input', x)])
        c.error('stride-0', {'kernelSize': 2, 'stride': 0}, [('input', x)])
        c.error('negative-padding', {'kernelSize': 2, 'padding': -1}, [('input', x)])
        c.error('output-too-small', {'kernelSize': L + 1}, [('input', x)])
        c.error(f'{d}d-input', {'kernelSize': 2}, [('input', sp(L))])
        c.error(f'{d + 3}d-input', {'kernelSize': 2}, [('input', (1, 2, *sp(L), 2))])
        c.error('int-input', {'kernelSize': 2}, [ints('input', *x)])
        return c
    gen.__name__ = layer
    return gen


def adaptive_avg_pool(layer: str, d: int) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, ['output cell i of a dim averages input[floor(i * in / out) : ceil((i + 1) * in / out)] (windows overlap when out does not divide in, or out > in)',
                          'outputSize null entries keep that input size'])
        sp = (lambda *v: tuple(v[:1])) if d == 1 else (lambda *v: tuple(v) if len(v) == 2 else (v[0], v[0]))
        c.value('divisible', {'outputSize': 2}, [('input', (2, 2, *sp(4)))])
        c.value('divisible/eval', {'outputSize': 2}, [('input', (2, 2, *sp(4)))], mode='eval')
        c.value('not-divisible', {'outputSize': 3}, [('input', (1, 2, *sp(5)))])
        c.value('global', {'outputSize': 1}, [('input', (2, 3, *sp(3)))])
        c.value('identity-size', {'outputSize': 3}, [('input', (1, 2, *sp(3)))])
        c.value('upsampling', {'outputSize': 5}, [('input', (1, 1, *sp(3)))], note='more outputs than inputs: windows of 1 or 2 elements overlap')
        c.value('unbatched', {'outputSize': 2}, [('input', (2, *sp(5)))])
        c.value('input-no-grad', {'outputSize': 2}, [('input', (1, 2, *sp(4)), False)])
        c.value('nan-inf', {'outputSize': 2}, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(4)), [NAN, INF]), True)])
        c.value('empty-batch', {'outputSize': 2}, [('input', (0, 2, *sp(4)))])
        c.value('output-0', {'outputSize': 0}, [('input', (1, 2, *sp(3)), False)], note='an output size of 0 gives an empty output (forward only: torch\'s backward refuses an empty gradOutput)')
        if d == 2:
            c.value('tuple', {'outputSize': [2, 3]}, [('input', (1, 2, 4, 5))])
            c.value('null-height', {'outputSize': [None, 2]}, [('input', (1, 2, 3, 4))])
            c.value('null-width', {'outputSize': [2, None]}, [('input', (1, 2, 3, 4))])
            c.value('null-both', {'outputSize': [None, None]}, [('input', (1, 1, 2, 3))])
            c.value('non-square-input', {'outputSize': [1, 4]}, [('input', (1, 2, 3, 7))])
            c.error('2d-input', {'outputSize': 2}, [('input', (4, 4))])
            c.error('5d-input', {'outputSize': 2}, [('input', (1, 1, 1, 4, 4))])
            c.error('empty-spatial', {'outputSize': 2}, [('input', (1, 2, 0, 3))])
        else:
            c.value('list', {'outputSize': [3]}, [('input', (1, 2, 7))])
            c.error('1d-input', {'outputSize': 2}, [('input', (4,))])
            c.error('4d-input', {'outputSize': 2}, [('input', (1, 1, 4, 4))])
            c.error('empty-length', {'outputSize': 2}, [('input', (1, 2, 0))])
        c.error('negative-output-size', {'outputSize': -1}, [('input', (1, 2, *sp(3)))])
        c.error('int-input', {'outputSize': 2}, [ints('input', 1, 2, *sp(4))])
        return c
    gen.__name__ = layer
    return gen


# --- recurrent layers ------------------------------------------------------------------------


def rnn_call(lstm: bool) -> Call:
    def call(m, args):
        if len(args) == 1:
            return m(args[0])
        if lstm:
            return m(args[0], (args[1], args[2]))
        return m(args[0], args[1])
    return call


def recurrent(layer: str) -> Callable[[], Cases]:
    lstm = layer == 'LSTM'
    states = ['h_0', 'c_0'] if lstm else ['h_0']

    def args(L: int, N: int | None, I: int, H: int, S: int, *, batch_first: bool = False, init: bool = True, grads: Sequence[bool] | None = None,
             input_grad: bool = True) -> Callable[[Rng], list]:
        def f(r: Rng) -> list:
            x = (L, I) if N is None else ((N, L, I) if batch_first else (L, N, I))
            out = [Arg('input', r.randn(*x), input_grad)]
            if init:
                st = (S, H) if N is None else (S, N, H)
                for i, n in enumerate(states):
                    out.append(Arg(n, r.randn(*st, scale=0.5), True if grads is None else grads[i]))
            return out
        return f

    def gen() -> Cases:
        outs = '[output, h_n, c_n]' if lstm else '[output, h_n]'
        c = Cases(layer, [
            f"forward(input{', (h_0, c_0)' if lstm else ', h_0'}): args are input, then {' and '.join(states)} when the case gives an initial state (zeros when absent); output is {outs}, gradOutput one entry per output (null: no gradient flows from it)",
            'input is (L, N, inputSize), or (N, L, inputSize) with batchFirst, or unbatched (L, inputSize); states are (numLayers * directions, N, hiddenSize), or (numLayers * directions, hiddenSize) unbatched, also with batchFirst; output\'s last dim is directions * hiddenSize',
            'params: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} per layer k, with suffix _reverse for the backward direction; gates stacked along dim 0 ('
            + ('LSTM: input, forget, cell, output' if lstm else 'RNN: one gate, h = nonlinearity(W_ih x + b_ih + W_hh h + b_hh)' if layer == 'RNN' else 'GRU: reset, update, new; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))') + ')',
            'dropout > 0 only in eval mode (or with one layer, where it is never applied), so every case is deterministic',
        ], call=rnn_call(lstm))
        I, H = 3, 2
        S1 = 1
        c.value('1-layer', {'inputSize': I, 'hiddenSize': H}, args(4, 2, I, H, S1))
        c.value('1-layer/no-initial-state', {'inputSize': I, 'hiddenSize': H}, args(4, 2, I, H, S1, init=False))
        c.value('1-layer/eval', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1), mode='eval')
        c.value('no-bias', {'inputSize': I, 'hiddenSize': H, 'bias': False}, args(3, 2, I, H, S1))
        c.value('batch-first', {'inputSize': I, 'hiddenSize': H, 'batchFirst': True}, args(3, 2, I, H, S1, batch_first=True))
        c.value('batch-first/no-initial-state', {'inputSize': I, 'hiddenSize': H, 'batchFirst': True}, args(3, 2, I, H, S1, batch_first=True, init=False))
        c.value('unbatched', {'inputSize': I, 'hiddenSize': H}, args(4, None, I, H, S1))
        c.value('unbatched/no-initial-state', {'inputSize': I, 'hiddenSize': H}, args(4, None, I, H, S1, init=False))
        c.value('unbatched/batch-first', {'inputSize': I, 'hiddenSize': H, 'batchFirst': True}, args(3, None, I, H, S1), note='batchFirst does not change an unbatched input')
        c.value('seq-len-1', {'inputSize': I, 'hiddenSize': H}, args(1, 2, I, H, S1))
        c.value('batch-1', {'inputSize': I, 'hiddenSize': H}, args(3, 1, I, H, S1))
        c.value('hidden-1', {'inputSize': I, 'hiddenSize': 1}, args(3, 2, I, 1, S1))
        c.value('input-1', {'inputSize': 1, 'hiddenSize': H}, args(3, 2, 1, H, S1))
        c.value('hidden-4', {'inputSize': 2, 'hiddenSize': 4}, args(3, 2, 2, 4, S1))
        c.value('long-sequence', {'inputSize': 2, 'hiddenSize': 2}, args(12, 1, 2, 2, S1))
        c.value('2-layers', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2}, args(3, 2, I, H, 2))
        c.value('2-layers/no-initial-state', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2}, args(3, 2, I, H, 2, init=False))
        c.value('3-layers/unbatched', {'inputSize': I, 'hiddenSize': H, 'numLayers': 3}, args(2, None, I, H, 3))
        c.value('bidirectional', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True}, args(3, 2, I, H, 2))
        c.value('bidirectional/no-initial-state', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True}, args(3, 2, I, H, 2, init=False))
        c.value('bidirectional/unbatched', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True}, args(3, None, I, H, 2))
        c.value('bidirectional/2-layers', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True, 'numLayers': 2}, args(3, 2, I, H, 4))
        c.value('bidirectional/2-layers/batch-first/no-bias', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True, 'numLayers': 2, 'batchFirst': True, 'bias': False},
                args(2, 2, I, H, 4, batch_first=True))
        c.value('2-layers/dropout-0/train', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2, 'dropout': 0.0}, args(3, 2, I, H, 2))
        c.value('2-layers/dropout-0.5/eval', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2, 'dropout': 0.5}, args(3, 2, I, H, 2), mode='eval',
                note='dropout between layers is off in eval mode')
        c.value('1-layer/dropout-0.5/train', {'inputSize': I, 'hiddenSize': H, 'dropout': 0.5}, args(3, 2, I, H, 1),
                note='with one layer there is no layer after which to drop: dropout never applies')
        c.value('only-output-gradient', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1), grad_mask=[True] + [False] * len(states),
                note='gradOutput only for output, null for the final states')
        c.value('only-final-state-gradient', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2}, args(3, 2, I, H, 2), grad_mask=[False, True] + [False] * (len(states) - 1))
        if lstm:
            c.value('only-cell-state-gradient', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1), grad_mask=[False, False, True])
            c.value('initial-state/only-c0-grad', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1, grads=[False, True]))
        c.value('initial-state-no-grad', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1, grads=[False] * len(states)))
        c.value('input-no-grad', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I, H, S1, input_grad=False))
        c.value('large-inputs', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, I, scale=20), True)], note='saturated gates')
        c.value('nan-input', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', with_specials(r, (3, 1, I), [NAN]), True)], note='a NaN at a step spoils every later step')
        c.error('input-size-mismatch', {'inputSize': I, 'hiddenSize': H}, args(3, 2, I + 1, H, S1, init=False))
        c.error('4d-input', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, 1, I), True)])
        c.error('1d-input', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(I), True)])
        c.error('h0-wrong-batch', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, I), True)] + [Arg(n, r.randn(1, 3 if n == 'h_0' else 2, H), True) for n in states])
        c.error('h0-wrong-hidden', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, I), True)] + [Arg(n, r.randn(1, 2, H + 1 if n == 'h_0' else H), True) for n in states])
        c.error('h0-wrong-layers', {'inputSize': I, 'hiddenSize': H, 'numLayers': 2}, lambda r: [Arg('input', r.randn(3, 2, I), True)] + [Arg(n, r.randn(1, 2, H), True) for n in states])
        c.error('h0-bidirectional-needs-2', {'inputSize': I, 'hiddenSize': H, 'bidirectional': True}, lambda r: [Arg('input', r.randn(3, 2, I), True)] + [Arg(n, r.randn(1, 2, H), True) for n in states])
        if lstm:
            c.error('c0-wrong-shape', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, I), True), Arg('h_0', r.randn(1, 2, H), True), Arg('c_0', r.randn(1, 2, H + 1), True)])
        c.error('unbatched-input-batched-state', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, I), True)] + [Arg(n, r.randn(1, 1, H), True) for n in states])
        c.error('batched-input-unbatched-state', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(3, 2, I), True)] + [Arg(n, r.randn(1, H), True) for n in states])
        c.error('batch-first-state-layout', {'inputSize': I, 'hiddenSize': H, 'batchFirst': True},
                lambda r: [Arg('input', r.randn(2, 3, I), True)] + [Arg(n, r.randn(2, 1, H), True) for n in states], note='states stay (layers * directions, N, hidden) with batchFirst')
        c.error('empty-sequence', {'inputSize': I, 'hiddenSize': H}, lambda r: [Arg('input', r.randn(0, 2, I), True)])
        c.error('dropout-above-1', {'inputSize': I, 'hiddenSize': H, 'dropout': 1.5})
        c.error('dropout-negative', {'inputSize': I, 'hiddenSize': H, 'dropout': -0.5})
        c.error('hidden-size-0', {'inputSize': I, 'hiddenSize': 0})
        c.error('hidden-size-negative', {'inputSize': I, 'hiddenSize': -2})
        c.error('input-size-negative', {'inputSize': -1, 'hiddenSize': H})
        c.value('input-size-0', {'inputSize': 0, 'hiddenSize': H}, args(3, 2, 0, H, S1), note='no input features: only the biases and the recurrence act')
        c.error('int-input', {'inputSize': I, 'hiddenSize': H}, [ints('input', 3, 2, I)])
        if lstm:
            P = 1
            po = {'inputSize': I, 'hiddenSize': 3, 'projSize': 2}
            c.value('proj', po, args(3, 2, I, 2, S1, init=False), note='projSize: h = weight_hr (o * tanh(c)); h_n is (layers * directions, N, projSize), c_n (.., hiddenSize)')
            c.value('proj/initial-state', po, lambda r: [Arg('input', r.randn(3, 2, I), True), Arg('h_0', r.randn(1, 2, 2, scale=0.5), True), Arg('c_0', r.randn(1, 2, 3, scale=0.5), True)])
            c.value('proj/unbatched', po, lambda r: [Arg('input', r.randn(3, I), True), Arg('h_0', r.randn(1, 2, scale=0.5), True), Arg('c_0', r.randn(1, 3, scale=0.5), True)])
            c.value('proj/2-layers/bidirectional', {**po, 'numLayers': 2, 'bidirectional': True}, args(2, 2, I, 2, 4, init=False))
            c.value('proj/batch-first/no-bias', {**po, 'batchFirst': True, 'bias': False, 'projSize': P}, args(3, 2, I, P, S1, batch_first=True, init=False))
            c.value('proj/eval', po, args(2, 1, I, 2, S1, init=False), mode='eval')
            c.error('proj/h0-hidden-size', po, lambda r: [Arg('input', r.randn(3, 2, I), True), Arg('h_0', r.randn(1, 2, 3), True), Arg('c_0', r.randn(1, 2, 3), True)],
                    note='with a projection h_0 is projSize wide')
            c.error('proj/c0-proj-size', po, lambda r: [Arg('input', r.randn(3, 2, I), True), Arg('h_0', r.randn(1, 2, 2), True), Arg('c_0', r.randn(1, 2, 2), True)])
            c.error('proj-size-equals-hidden', {'inputSize': I, 'hiddenSize': 3, 'projSize': 3})
            c.error('proj-size-negative', {'inputSize': I, 'hiddenSize': 3, 'projSize': -1})
        else:
            c.error('proj-size', {'inputSize': I, 'hiddenSize': 3, 'projSize': 2}, note='only LSTM has projections')
        if layer == 'RNN':
            ro = {'inputSize': I, 'hiddenSize': H, 'nonlinearity': 'relu'}
            c.value('relu', ro, args(4, 2, I, H, S1))
            c.value('relu/no-initial-state', ro, args(3, 2, I, H, S1, init=False))
            c.value('relu/2-layers/bidirectional/batch-first', {**ro, 'numLayers': 2, 'bidirectional': True, 'batchFirst': True}, args(3, 2, I, H, 4, batch_first=True))
            c.value('relu/unbatched/no-bias', {**ro, 'bias': False}, args(3, None, I, H, S1))
            c.value('tanh-explicit', {'inputSize': I, 'hiddenSize': H, 'nonlinearity': 'tanh'}, args(3, 2, I, H, S1))
            c.error('unknown-nonlinearity', {'inputSize': I, 'hiddenSize': H, 'nonlinearity': 'sigmoid'})
        return c
    gen.__name__ = layer
    return gen


def cell_call(lstm: bool) -> Call:
    def call(m, args):
        if len(args) == 1:
            return m(args[0])
        return m(args[0], (args[1], args[2])) if lstm else m(args[0], args[1])
    return call


def recurrent_cell(layer: str) -> Callable[[], Cases]:
    lstm = layer == 'LSTMCell'
    states = ['h_0', 'c_0'] if lstm else ['h_0']

    def args(N: int | None, I: int, H: int, *, init: bool = True, grads: Sequence[bool] | None = None, input_grad: bool = True) -> Callable[[Rng], list]:
        def f(r: Rng) -> list:
            out = [Arg('input', r.randn(*((I,) if N is None else (N, I))), input_grad)]
            if init:
                for i, n in enumerate(states):
                    out.append(Arg(n, r.randn(*((H,) if N is None else (N, H)), scale=0.5), True if grads is None else grads[i]))
            return out
        return f

    def gen() -> Cases:
        c = Cases(layer, [
            f"forward(input{', (h_0, c_0)' if lstm else ', h_0'}): args are input, then {' and '.join(states)} when the case gives a state (zeros when absent); output is {'[h_1, c_1]' if lstm else 'h_1'}",
            'input is (N, inputSize) or unbatched (inputSize); states (N, hiddenSize) or (hiddenSize); params weight_ih, weight_hh, bias_ih, bias_hh with the gates stacked along dim 0 as in the sequence layer',
        ], call=cell_call(lstm))
        I, H = 3, 2
        o = {'inputSize': I, 'hiddenSize': H}
        c.value('basic', o, args(4, I, H))
        c.value('no-state', o, args(2, I, H, init=False))
        c.value('eval', o, args(2, I, H), mode='eval')
        c.value('no-bias', {**o, 'bias': False}, args(3, I, H))
        c.value('unbatched', o, args(None, I, H))
        c.value('unbatched/no-state', o, args(None, I, H, init=False))
        c.value('batch-1', o, args(1, I, H))
        c.value('hidden-1', {'inputSize': I, 'hiddenSize': 1}, args(3, I, 1))
        c.value('hidden-4', {'inputSize': 2, 'hiddenSize': 4}, args(2, 2, 4))
        c.value('input-size-0', {'inputSize': 0, 'hiddenSize': H}, args(2, 0, H), note='no input features: only the biases and the recurrence act')
        c.value('state-no-grad', o, args(2, I, H, grads=[False] * len(states)))
        c.value('input-no-grad', o, args(2, I, H, input_grad=False))
        c.value('large-inputs', o, lambda r: [Arg('input', r.randn(2, I, scale=20), True)], note='saturated gates')
        c.value('nan-input', o, lambda r: [Arg('input', with_specials(r, (2, I), [NAN]), True)])
        if lstm:
            c.value('only-h-gradient', o, args(2, I, H), grad_mask=[True, False])
            c.value('only-c-gradient', o, args(2, I, H), grad_mask=[False, True])
            c.value('only-c0-grad', o, args(2, I, H, grads=[False, True]))
        if layer == 'RNNCell':
            c.value('relu', {**o, 'nonlinearity': 'relu'}, args(4, I, H))
            c.value('relu/unbatched/no-bias', {**o, 'nonlinearity': 'relu', 'bias': False}, args(None, I, H))
            c.error('unknown-nonlinearity', {**o, 'nonlinearity': 'sigmoid'}, args(2, I, H))
        c.error('input-size-mismatch', o, args(2, I + 1, H, init=False))
        c.error('3d-input', o, lambda r: [Arg('input', r.randn(2, 1, I), True)])
        c.error('0d-input', o, lambda r: [Arg('input', r.randn(), True)])
        c.error('state-wrong-batch', o, lambda r: [Arg('input', r.randn(2, I), True)] + [Arg(n, r.randn(3, H), True) for n in states])
        c.error('state-wrong-hidden', o, lambda r: [Arg('input', r.randn(2, I), True)] + [Arg(n, r.randn(2, H + 1), True) for n in states])
        if lstm:
            c.error('c0-wrong-hidden', o, lambda r: [Arg('input', r.randn(2, I), True), Arg('h_0', r.randn(2, H), True), Arg('c_0', r.randn(2, H + 1), True)])
        c.error('unbatched-input-batched-state', o, lambda r: [Arg('input', r.randn(I), True)] + [Arg(n, r.randn(1, H), True) for n in states])
        c.error('batched-input-unbatched-state', o, lambda r: [Arg('input', r.randn(2, I), True)] + [Arg(n, r.randn(H), True) for n in states])
        c.error('int-input', o, [ints('input', 2, I)])
        c.error('hidden-size-negative', {'inputSize': I, 'hiddenSize': -2})
        c.error('input-size-negative', {'inputSize': -1, 'hiddenSize': H})
        return c
    gen.__name__ = layer
    return gen


# --- attention and transformers --------------------------------------------------------------


KEYWORD_NOTE = ("forward(positional..., options): the first {n} args are positional; every later tensor arg is passed as the forward "
                "option of its name (camelCase, PyTorch's keyword snake_case) and a plain object arg holds the other options")


def mask_arg(name: str, t: torch.Tensor) -> Arg:
    return Arg(name, t, False)


def keyword_case(c: 'Cases', tag: str, options: dict, n_pos: int, pos: Sequence[tuple], masks: dict | None = None, flags: dict | None = None,
                 error: bool = False, **kw) -> None:
    """A case whose forward takes n_pos positional tensors, then masks (name -> fn(rng) -> tensor) and flags as keywords."""
    masks = masks or {}
    flags = flags or {}

    def args(r: Rng) -> list:
        out = [Arg(p[0], r.randn(*p[1]), p[2] if len(p) > 2 else True) for p in pos]
        out += [mask_arg(k, f(r)) for k, f in masks.items()]
        if flags:
            out.append(dict(flags))
        return out

    names = [k for k in masks]

    def call(m, real):
        kwargs = {snake(k): v for k, v in zip(names, real[n_pos:n_pos + len(names)])}
        if flags:
            kwargs.update({snake(k): v for k, v in real[-1].items()})
        return m(*real[:n_pos], **kwargs)

    kw['call'] = call
    (c.error if error else c.value)(tag, options, args, **kw)


def bool_mask(*shape: int, true_at: Sequence[tuple] = ()) -> Callable[[Rng], torch.Tensor]:
    def f(r: Rng) -> torch.Tensor:
        m = torch.zeros(shape, dtype=torch.bool)
        for i in true_at:
            m[i] = True
        return m
    return f


def random_bool_mask(*shape: int, p: float = 0.3) -> Callable[[Rng], torch.Tensor]:
    """True (not allowed) with probability p, but never a whole row (a fully masked row is NaN in torch 1.13)."""
    def f(r: Rng) -> torch.Tensor:
        m = r.bernoulli(*shape, p=p)
        m[..., 0] = False
        return m
    return f


def float_mask(*shape: int) -> Callable[[Rng], torch.Tensor]:
    return lambda r: r.randn(*shape)


def causal(n: int) -> Callable[[Rng], torch.Tensor]:
    return lambda r: torch.nn.Transformer.generate_square_subsequent_mask(n)


def multihead_attention() -> Cases:
    c = Cases('MultiheadAttention', [
        KEYWORD_NOTE.format(n=3) + ': forward(query, key, value, {keyPaddingMask, attnMask, needWeights, averageAttnWeights}); output is [attnOutput, attnWeights or null]',
        'masks: bool true means NOT allowed to attend (the opposite of scaledDotProductAttention), float masks are added to the scores; attnMask is [L, S] or [N * numHeads, L, S] ([numHeads, L, S] unbatched), keyPaddingMask [N, S] ([S] unbatched)',
        'query [L, N, E] (or [N, L, E] with batchFirst), key [S, N, kdim], value [S, N, vdim]; unbatched [L, E]; weights [N, L, S] averaged over heads or [N, numHeads, L, S]',
        'params: in_proj_weight [3E, E] or q_proj_weight, k_proj_weight, v_proj_weight when kdim / vdim differ; in_proj_bias, out_proj.weight, out_proj.bias, bias_k, bias_v with addBiasKv',
        'train mode with dropout 0, or eval mode, with gradients on: torch 1.13 never takes its fast path here; no row is fully masked (torch 1.13 gives NaN there)',
    ])
    E, H, L, S, N = 4, 2, 3, 5, 2
    o = {'embedDim': E, 'numHeads': H}
    qkv = [('query', (L, N, E)), ('key', (S, N, E)), ('value', (S, N, E))]
    qkv_bf = [('query', (N, L, E)), ('key', (N, S, E)), ('value', (N, S, E))]
    un = [('query', (L, E)), ('key', (S, E)), ('value', (S, E))]
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 3, pos, **kw)
    kc('basic', o, qkv)
    kc('eval', {**o, 'dropout': 0.5}, qkv, mode='eval', note='dropout is off in eval mode')
    kc('one-head', {'embedDim': E, 'numHeads': 1}, qkv)
    kc('four-heads', {'embedDim': 8, 'numHeads': 4}, [('query', (L, N, 8)), ('key', (S, N, 8)), ('value', (S, N, 8))])
    kc('self-attention-shapes', o, [('query', (L, N, E)), ('key', (L, N, E)), ('value', (L, N, E))])
    kc('no-bias', {**o, 'bias': False}, qkv)
    kc('need-weights-false', o, qkv, flags={'needWeights': False})
    kc('per-head-weights', o, qkv, flags={'averageAttnWeights': False})
    kc('batch-first', {**o, 'batchFirst': True}, qkv_bf)
    kc('batch-first/per-head-weights', {**o, 'batchFirst': True}, qkv_bf, flags={'averageAttnWeights': False})
    kc('unbatched', o, un)
    kc('unbatched/batch-first', {**o, 'batchFirst': True}, un, note='batchFirst does not change an unbatched input')
    kc('unbatched/per-head-weights', o, un, flags={'averageAttnWeights': False})
    kc('kdim-vdim', {**o, 'kdim': 3, 'vdim': 6}, [('query', (L, N, E)), ('key', (S, N, 3)), ('value', (S, N, 6))])
    kc('kdim-vdim/batch-first', {**o, 'kdim': 3, 'vdim': 6, 'batchFirst': True}, [('query', (N, L, E)), ('key', (N, S, 3)), ('value', (N, S, 6))])
    kc('kdim-only', {**o, 'kdim': 2}, [('query', (L, N, E)), ('key', (S, N, 2)), ('value', (S, N, E))])
    kc('kdim-vdim/no-bias', {**o, 'kdim': 3, 'vdim': 6, 'bias': False}, [('query', (L, N, E)), ('key', (S, N, 3)), ('value', (S, N, 6))])
    kc('add-bias-kv', {**o, 'addBiasKv': True}, qkv)
    kc('add-zero-attn', {**o, 'addZeroAttn': True}, qkv)
    kc('add-bias-kv/add-zero-attn', {**o, 'addBiasKv': True, 'addZeroAttn': True}, qkv)
    kc('add-bias-kv/add-zero-attn/masks', {**o, 'addBiasKv': True, 'addZeroAttn': True}, qkv,
       masks={'attnMask': random_bool_mask(L, S), 'keyPaddingMask': bool_mask(N, S, true_at=[(0, 4), (1, 3)])}, note='both masks are padded with allowed columns for bias_k and the zero key')
    kc('add-bias-kv/unbatched', {**o, 'addBiasKv': True}, un)
    kc('attn-mask/bool-2d', o, qkv, masks={'attnMask': random_bool_mask(L, S)})
    kc('attn-mask/float-2d', o, qkv, masks={'attnMask': float_mask(L, S)})
    kc('attn-mask/bool-3d', o, qkv, masks={'attnMask': random_bool_mask(N * H, L, S)})
    kc('attn-mask/float-3d', o, qkv, masks={'attnMask': float_mask(N * H, L, S)})
    kc('attn-mask/causal', o, [('query', (L, N, E)), ('key', (L, N, E)), ('value', (L, N, E))], masks={'attnMask': causal(L)},
       note='Transformer.generateSquareSubsequentMask: -inf above the diagonal')
    kc('attn-mask/unbatched-2d', o, un, masks={'attnMask': random_bool_mask(L, S)})
    kc('attn-mask/unbatched-3d', o, un, masks={'attnMask': float_mask(H, L, S)})
    kc('attn-mask/batch-first', {**o, 'batchFirst': True}, qkv_bf, masks={'attnMask': random_bool_mask(N * H, L, S)})
    kc('key-padding-mask/bool', o, qkv, masks={'keyPaddingMask': bool_mask(N, S, true_at=[(0, 4), (0, 3), (1, 1)])})
    kc('key-padding-mask/float', o, qkv, masks={'keyPaddingMask': float_mask(N, S)})
    kc('key-padding-mask/unbatched', o, un, masks={'keyPaddingMask': bool_mask(S, true_at=[(2,)])})
    kc('key-padding-mask/batch-first', {**o, 'batchFirst': True}, qkv_bf, masks={'keyPaddingMask': bool_mask(N, S, true_at=[(1, 4)])})
    kc('both-masks/bool', o, qkv, masks={'attnMask': random_bool_mask(L, S), 'keyPaddingMask': bool_mask(N, S, true_at=[(0, 2), (1, 4)])})
    kc('both-masks/float-attn-bool-padding', o, qkv, masks={'attnMask': float_mask(N * H, L, S), 'keyPaddingMask': bool_mask(N, S, true_at=[(1, 2)])})
    kc('both-masks/per-head-weights', o, qkv, masks={'attnMask': random_bool_mask(L, S), 'keyPaddingMask': bool_mask(N, S, true_at=[(0, 1)])}, flags={'averageAttnWeights': False})
    kc('inputs-no-grad', o, [('query', (L, N, E), False), ('key', (S, N, E), False), ('value', (S, N, E), False)])
    ke = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 3, pos, error=True, **kw)
    c.error('embed-dim-not-divisible', {'embedDim': 5, 'numHeads': 2})
    ke('query-4d', o, [('query', (L, N, 1, E)), ('key', (S, N, E)), ('value', (S, N, E))])
    ke('batched-query-unbatched-key', o, [('query', (L, N, E)), ('key', (S, E)), ('value', (S, E))])
    ke('embed-dim-mismatch', o, [('query', (L, N, E + 2)), ('key', (S, N, E + 2)), ('value', (S, N, E + 2))])
    ke('key-value-shape-mismatch', o, [('query', (L, N, E)), ('key', (S, N, E)), ('value', (S + 1, N, E))])
    ke('attn-mask/2d-wrong-shape', o, qkv, masks={'attnMask': bool_mask(L, S + 1)})
    ke('attn-mask/3d-wrong-shape', o, qkv, masks={'attnMask': bool_mask(N, L, S)}, note='3-d masks are [N * numHeads, L, S]')
    ke('attn-mask/4d', o, qkv, masks={'attnMask': bool_mask(N, H, L, S)})
    ke('attn-mask/unbatched-3d-wrong-shape', o, un, masks={'attnMask': bool_mask(H + 1, L, S)})
    ke('attn-mask/int', o, qkv, masks={'attnMask': lambda r: torch.zeros(L, S, dtype=torch.int32)})
    ke('key-padding-mask/wrong-shape', o, qkv, masks={'keyPaddingMask': bool_mask(N, S + 1)})
    ke('key-padding-mask/3d', o, qkv, masks={'keyPaddingMask': bool_mask(N, 1, S)})
    ke('key-padding-mask/int', o, qkv, masks={'keyPaddingMask': lambda r: torch.zeros(N, S, dtype=torch.int32)})
    ke('kdim-wrong-key', {**o, 'kdim': 3}, [('query', (L, N, E)), ('key', (S, N, 2)), ('value', (S, N, E))])
    return c


def tlayer(layer: str, **o) -> dict:
    return {'module': layer, 'options': o}


def transformer_layers() -> list[Cases]:
    D, H, FF, L, T, N = 4, 2, 6, 3, 2, 2
    base = {'dModel': D, 'nhead': H, 'dimFeedforward': FF, 'dropout': 0.0}
    out = []

    # TransformerEncoderLayer
    c = Cases('TransformerEncoderLayer', [
        KEYWORD_NOTE.format(n=1) + ': forward(src, {srcMask, srcKeyPaddingMask})',
        'post-norm: x = norm1(x + self_attn(x)); x = norm2(x + linear2(activation(linear1(x)))); normFirst: x = x + self_attn(norm1(x)); x = x + ff(norm2(x))',
        'masks as MultiheadAttention\'s: bool true is not allowed, float masks added; dropout 0 in train mode, or eval mode (torch 1.13\'s fast path is never taken with gradients on)',
    ])
    src = [('src', (L, N, D))]
    src_bf = [('src', (N, L, D))]
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 1, pos, **kw)
    kc('basic', base, src)
    kc('eval', {**base, 'dropout': 0.1}, src, mode='eval')
    kc('norm-first', {**base, 'normFirst': True}, src)
    kc('gelu', {**base, 'activation': 'gelu'}, src)
    kc('gelu/norm-first', {**base, 'activation': 'gelu', 'normFirst': True}, src)
    kc('layer-norm-eps', {**base, 'layerNormEps': 1e-3}, src)
    kc('batch-first', {**base, 'batchFirst': True}, src_bf)
    kc('unbatched', base, [('src', (L, D))])
    kc('src-mask/causal', base, src, masks={'srcMask': causal(L)})
    kc('src-mask/bool', base, src, masks={'srcMask': random_bool_mask(L, L)})
    kc('src-mask/float-3d', base, src, masks={'srcMask': float_mask(N * H, L, L)})
    kc('key-padding-mask', base, src, masks={'srcKeyPaddingMask': bool_mask(N, L, true_at=[(0, 2)])})
    kc('both-masks/batch-first', {**base, 'batchFirst': True}, src_bf, masks={'srcMask': causal(L), 'srcKeyPaddingMask': bool_mask(N, L, true_at=[(1, 2)])})
    kc('src-no-grad', base, [('src', (L, N, D), False)])
    c.error('d-model-not-divisible', {**base, 'dModel': 5})
    c.error('activation-invalid', {**base, 'activation': 'tanh'})
    keyword_case(c, 'src-mask/wrong-shape', base, 1, src, masks={'srcMask': bool_mask(L, L + 1)}, error=True)
    keyword_case(c, 'wrong-features', base, 1, [('src', (L, N, D + 1))], error=True)
    out.append(c)

    # TransformerDecoderLayer
    c = Cases('TransformerDecoderLayer', [
        KEYWORD_NOTE.format(n=2) + ': forward(tgt, memory, {tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask})',
        'post-norm: x = norm1(x + self_attn(x)); x = norm2(x + multihead_attn(x, memory)); x = norm3(x + ff(x)); normFirst normalizes before each block instead',
    ])
    tm = [('tgt', (T, N, D)), ('memory', (L, N, D))]
    tm_bf = [('tgt', (N, T, D)), ('memory', (N, L, D))]
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 2, pos, **kw)
    kc('basic', base, tm)
    kc('eval', {**base, 'dropout': 0.1}, tm, mode='eval')
    kc('norm-first', {**base, 'normFirst': True}, tm)
    kc('gelu', {**base, 'activation': 'gelu'}, tm)
    kc('batch-first', {**base, 'batchFirst': True}, tm_bf)
    kc('unbatched', base, [('tgt', (T, D)), ('memory', (L, D))])
    kc('tgt-mask/causal', base, tm, masks={'tgtMask': causal(T)})
    kc('all-masks', base, tm, masks={'tgtMask': causal(T), 'memoryMask': random_bool_mask(T, L), 'tgtKeyPaddingMask': bool_mask(N, T, true_at=[(0, 1)]),
                                     'memoryKeyPaddingMask': bool_mask(N, L, true_at=[(1, 2)])})
    kc('all-masks/batch-first/norm-first', {**base, 'batchFirst': True, 'normFirst': True}, tm_bf,
       masks={'tgtMask': causal(T), 'memoryMask': float_mask(N * H, T, L), 'memoryKeyPaddingMask': bool_mask(N, L, true_at=[(0, 2)])})
    kc('memory-no-grad', base, [('tgt', (T, N, D)), ('memory', (L, N, D), False)])
    keyword_case(c, 'memory-mask/wrong-shape', base, 2, tm, masks={'memoryMask': bool_mask(T, L + 1)}, error=True)
    keyword_case(c, 'memory-batch-mismatch', base, 2, [('tgt', (T, N, D)), ('memory', (L, N + 1, D))], error=True)
    out.append(c)

    enc_layer = tlayer('TransformerEncoderLayer', **base)
    dec_layer = tlayer('TransformerDecoderLayer', **base)
    # TransformerEncoder
    c = Cases('TransformerEncoder', [
        KEYWORD_NOTE.format(n=1) + ': forward(src, {mask, srcKeyPaddingMask})',
        'options encoderLayer and norm are modules, written {module, options}; layers.0 ... are copies of encoderLayer; norm (when given) is applied last',
    ])
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 1, pos, **kw)
    kc('2-layers', {'encoderLayer': enc_layer, 'numLayers': 2}, src)
    kc('2-layers/norm', {'encoderLayer': enc_layer, 'numLayers': 2, 'norm': tlayer('LayerNorm', normalizedShape=D)}, src)
    kc('1-layer/eval', {'encoderLayer': tlayer('TransformerEncoderLayer', **{**base, 'dropout': 0.1}), 'numLayers': 1}, src, mode='eval')
    kc('masks', {'encoderLayer': enc_layer, 'numLayers': 2}, src, masks={'mask': causal(L), 'srcKeyPaddingMask': bool_mask(N, L, true_at=[(1, 2)])})
    kc('batch-first/norm-first', {'encoderLayer': tlayer('TransformerEncoderLayer', **{**base, 'batchFirst': True, 'normFirst': True}), 'numLayers': 2}, src_bf,
       masks={'srcKeyPaddingMask': bool_mask(N, L, true_at=[(0, 2)])})
    out.append(c)

    # TransformerDecoder
    c = Cases('TransformerDecoder', [
        KEYWORD_NOTE.format(n=2) + ': forward(tgt, memory, {tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask})',
        'options decoderLayer and norm are modules, written {module, options}',
    ])
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 2, pos, **kw)
    kc('2-layers', {'decoderLayer': dec_layer, 'numLayers': 2}, tm)
    kc('2-layers/norm/masks', {'decoderLayer': dec_layer, 'numLayers': 2, 'norm': tlayer('LayerNorm', normalizedShape=D)}, tm,
       masks={'tgtMask': causal(T), 'memoryKeyPaddingMask': bool_mask(N, L, true_at=[(0, 1)])})
    out.append(c)

    # Transformer
    c = Cases('Transformer', [
        KEYWORD_NOTE.format(n=2) + ': forward(src, tgt, {srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask})',
        'encoder.layers.k, encoder.norm, decoder.layers.k, decoder.norm, as torch; every case loads its own weights',
    ])
    to = {**base, 'numEncoderLayers': 2, 'numDecoderLayers': 1}
    st = [('src', (L, N, D)), ('tgt', (T, N, D))]
    kc = lambda tag, opts, pos, **kw: keyword_case(c, tag, opts, 2, pos, **kw)
    kc('basic', to, st)
    kc('masks', to, st, masks={'srcMask': random_bool_mask(L, L), 'tgtMask': causal(T), 'srcKeyPaddingMask': bool_mask(N, L, true_at=[(0, 2)]),
                                'memoryKeyPaddingMask': bool_mask(N, L, true_at=[(0, 2)]), 'tgtKeyPaddingMask': bool_mask(N, T, true_at=[(1, 1)])})
    kc('batch-first/norm-first/gelu', {**to, 'batchFirst': True, 'normFirst': True, 'activation': 'gelu'}, [('src', (N, L, D)), ('tgt', (N, T, D))],
       masks={'tgtMask': causal(T)})
    kc('unbatched', to, [('src', (L, D)), ('tgt', (T, D))])
    kc('eval', {**to, 'dropout': 0.1}, st, mode='eval')
    keyword_case(c, 'batch-mismatch', to, 2, [('src', (L, N, D)), ('tgt', (T, N + 1, D))], error=True)
    keyword_case(c, 'feature-mismatch', to, 2, [('src', (L, N, D)), ('tgt', (T, N, D + 1))], error=True)
    out.append(c)
    return out


# --- files -----------------------------------------------------------------------------------


from . import spatial  # noqa: E402 - after Cases, which it uses

LAYERS: list[Callable[[], Cases]] = [
    linear, bilinear, identity, flatten_layer,
    relu, simple('Tanh', ['tanh(x)']), simple('Sigmoid', ['1 / (1 + exp(-x))']),
    simple('SiLU', ['x * sigmoid(x)', INPLACE_NOTE], inplace=True), simple('Mish', ['x * tanh(softplus(x))', INPLACE_NOTE], inplace=True),
    leaky_relu, elu, gelu, softplus, hardtanh, softmax_like('Softmax'), softmax_like('LogSoftmax'), dropout,
    embedding, layer_norm, group_norm, rms_norm_layer, batch_norm('BatchNorm1d'), batch_norm('BatchNorm2d'),
    conv('Conv1d', 1), conv('Conv2d', 2), conv_transpose('ConvTranspose1d', 1), conv_transpose('ConvTranspose2d', 2),
    max_pool('MaxPool1d', 1), max_pool('MaxPool2d', 2), avg_pool('AvgPool1d', 1), avg_pool('AvgPool2d', 2),
    adaptive_avg_pool('AdaptiveAvgPool1d', 1), adaptive_avg_pool('AdaptiveAvgPool2d', 2),
    recurrent('LSTM'), recurrent('GRU'), multihead_attention,
    relu6,
    hardswish,
    hardsigmoid,
    selu,
    celu,
    glu,
    simple('LogSigmoid', ['log(sigmoid(x)) = -softplus(-x)']),
    simple('Softsign', ['x / (1 + |x|)']),
    simple('Tanhshrink', ['x - tanh(x)']),
    threshold,
    softmin,
    prelu,
    cosine_similarity,
    pairwise_distance,
    unflatten,
    channel_dropout('Dropout1d', (2, 3, 4)),
    channel_dropout('Dropout2d', (2, 3, 2, 2)),
    recurrent('RNN'),
    recurrent_cell('RNNCell'),
    recurrent_cell('LSTMCell'),
    recurrent_cell('GRUCell'),
    embedding_bag,
    spatial.pad_layer('ConstantPad1d', 1, 'constant'),
    spatial.pad_layer('ConstantPad2d', 2, 'constant'),
    spatial.pad_layer('ZeroPad2d', 2, 'constant'),
    spatial.pad_layer('ReflectionPad1d', 1, 'reflect'),
    spatial.pad_layer('ReflectionPad2d', 2, 'reflect'),
    spatial.pad_layer('ReplicationPad1d', 1, 'replicate'),
    spatial.pad_layer('ReplicationPad2d', 2, 'replicate'),
    spatial.upsample,
    spatial.pixel_shuffle('PixelShuffle'),
    spatial.pixel_shuffle('PixelUnshuffle'),
    spatial.unfold,
    spatial.fold,
    spatial.adaptive_max_pool('AdaptiveMaxPool1d', 1),
    spatial.adaptive_max_pool('AdaptiveMaxPool2d', 2),
    spatial.instance_norm('InstanceNorm1d', 1),
    spatial.instance_norm('InstanceNorm2d', 2),
]


def generate(folder) -> int:
    n = 0
    for c in [gen() for gen in LAYERS] + transformer_layers():
        write_cases(folder / f'{c.layer}.json', header('layers', c.layer, COMMON_NOTES + c.notes), c.cases)
        n += len(c.cases)
    return n
