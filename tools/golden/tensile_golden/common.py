"""Shared machinery of Tensile's golden generator.

Every case is computed by PyTorch on the CPU in float64 from inputs that are
exactly representable in float32, then run again in float32 to prove the
stored tolerance is one PyTorch itself meets. Randomness comes from a
generator seeded by the case id, so adding or reordering cases never changes
the values of the others, and two runs write the same bytes.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import torch

FORMAT = 'golden/2'  # 2: adds the programs kind (only new fields; golden/1 files read as before)
SET_NAME = 'tensile'
SEED = 1913  # mixed into every case's seed; changing it changes every value
GENERATOR = 'tools/golden (Tensile)'
DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5
MAX_TOL = 0.05  # the reader refuses anything looser, so the generator does too
# Tolerances tried in order until PyTorch's own float32 result meets one.
TOLERANCE_LADDER = [(1e-4, 1e-5), (3e-4, 3e-5), (1e-3, 1e-4), (3e-3, 3e-4), (1e-2, 1e-3)]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class GeneratorError(Exception):
    """A case the generator refuses to write (torch did not raise, tolerance unreachable, ...)."""


def setup_torch() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)


# --- values -----------------------------------------------------------------------------


def encode_float(v: float) -> float | str:
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return float(v)


def dtype_name(t: torch.Tensor) -> str:
    if t.dtype == torch.bool:
        return 'bool'
    if t.dtype.is_floating_point:
        return 'float32'
    return 'int32'


def enc(t: torch.Tensor, dtype: str | None = None) -> dict:
    """A tensor in the golden format: float32/int32/bool label, flat row-major data."""
    t = t.detach().cpu().contiguous()
    name = dtype or dtype_name(t)
    flat = t.reshape(-1)
    if name == 'bool':
        data = [bool(v) for v in flat.tolist()]
    elif name == 'int32':
        data = [int(v) for v in flat.tolist()]
        for v in data:
            if not INT32_MIN <= v <= INT32_MAX:
                raise GeneratorError(f'integer {v} does not fit int32')
    else:
        data = [encode_float(v) for v in flat.double().tolist()]
    return {'dtype': name, 'shape': list(t.shape), 'data': data}


def enc_value(v: Any) -> Any:
    """A plain argument or option: special floats as strings, tuples as lists."""
    if isinstance(v, float):
        return encode_float(v)
    if isinstance(v, (list, tuple)):
        return [enc_value(x) for x in v]
    if isinstance(v, dict):
        return {k: enc_value(x) for k, x in v.items()}
    return v


# --- randomness --------------------------------------------------------------------------


class Rng:
    """Deterministic float32-exact data for one case, seeded from its id."""

    def __init__(self, key: str):
        self.g = torch.Generator().manual_seed(zlib.crc32(f'{SEED}:{key}'.encode()))

    def randn(self, *shape: int, scale: float = 1.0, shift: float = 0.0) -> torch.Tensor:
        return (torch.randn(shape, generator=self.g, dtype=torch.float32) * scale + shift).float()

    def uniform(self, *shape: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
        return (torch.rand(shape, generator=self.g, dtype=torch.float32) * (hi - lo) + lo).float()

    def randint(self, lo: int, hi: int, *shape: int) -> torch.Tensor:
        """Integers in [lo, hi), int64 as torch wants indices (stored as int32)."""
        return torch.randint(lo, hi, shape, generator=self.g, dtype=torch.int64)

    def bernoulli(self, *shape: int, p: float = 0.5) -> torch.Tensor:
        return torch.rand(shape, generator=self.g) < p

    def sign(self, *shape: int) -> torch.Tensor:
        return torch.where(self.bernoulli(*shape), 1.0, -1.0).float()

    def perm(self, n: int) -> torch.Tensor:
        return torch.randperm(n, generator=self.g)

    def choice(self, n: int) -> int:
        return int(torch.randint(0, n, (1,), generator=self.g).item())

    def grad_like(self, t: torch.Tensor) -> torch.Tensor:
        """An upstream gradient that is not all ones, so scaling mistakes show."""
        return self.uniform(*t.shape, lo=0.5, hi=1.5) * self.sign(*t.shape)


# --- arguments ----------------------------------------------------------------------------


@dataclass
class Arg:
    """A tensor argument (or a list of them, for cat/stack) of a forward call."""

    name: str
    value: torch.Tensor | list[torch.Tensor]
    grad: bool = False

    def encode(self) -> dict:
        if isinstance(self.value, list):
            return {'name': self.name, 'tensors': [enc(t) for t in self.value], 'requiresGrad': self.grad}
        return {'name': self.name, 'tensor': enc(self.value), 'requiresGrad': self.grad}


def is_float(t: Any) -> bool:
    return isinstance(t, torch.Tensor) and t.dtype.is_floating_point


def _materialise(value: Any, dtype: torch.dtype, grad: bool) -> Any:
    if isinstance(value, list):
        return [_materialise(v, dtype, grad) for v in value]
    if is_float(value):
        t = value.detach().to(dtype).clone()
        return t.requires_grad_(grad)
    if isinstance(value, torch.Tensor):
        return value.clone()
    return value


def flatten(out: Any) -> list:
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in flatten(o)]
    return [out]


def _leaves(args: Sequence[Any]) -> list[tuple[str, torch.Tensor, int | None]]:
    """(name, tensor, list position) of every argument that requires grad."""
    out = []
    for a in args:
        if isinstance(a, tuple) and a[0] == 'arg':
            _, name, v, grad = a
            if not grad:
                continue
            if isinstance(v, list):
                out.extend((name, t, i) for i, t in enumerate(v) if is_float(t))
            else:
                out.append((name, v, None))
    return out


def _close(ref: torch.Tensor, got: torch.Tensor, rtol: float, atol: float) -> bool:
    if ref.shape != got.shape:
        return False
    ref = ref.double()
    got = got.double()
    both_nan = torch.isnan(ref) & torch.isnan(got)
    inf = torch.isinf(ref)
    same_inf = inf & (ref == got)
    finite = ~(torch.isnan(ref) | inf)
    ok = both_nan | same_inf | (finite & ((got - ref).abs() <= atol + rtol * ref.abs()))
    return bool(ok.all())


def reachable_tolerance(pairs: Iterable[tuple[torch.Tensor, torch.Tensor]], floor: tuple[float, float] | None = None) -> tuple[float, float]:
    """The first rung of the ladder that PyTorch's float32 results meet against float64."""
    pairs = list(pairs)
    ladder = TOLERANCE_LADDER if floor is None else [t for t in TOLERANCE_LADDER if t[0] >= floor[0]] or [floor]
    for rtol, atol in ladder:
        if all(_close(r, g, rtol, atol) for r, g in pairs):
            return rtol, atol
    worst = max((float(((g.double() - r.double()).abs() / (r.double().abs() + 1e-12)).nan_to_num(0).max()) if r.numel() else 0.0) for r, g in pairs)
    raise GeneratorError(f'float32 PyTorch differs from float64 beyond {TOLERANCE_LADDER[-1]} (worst relative {worst:.3g})')


@dataclass
class Computed:
    outputs: list  # float64 reference outputs (tensors or plain values)
    grad_outputs: list  # one per output, None where no gradient flows
    grads: dict  # name -> tensor or list of tensors (float64)


def compute(fn: Callable[..., Any], args: Sequence[Any], kwargs: dict, dtype: torch.dtype, grad_outputs: list | None,
            rng: Rng | None, extra_leaves: Callable[[], list[tuple[str, torch.Tensor]]] | None = None) -> Computed:
    """Runs fn on materialised copies of args in `dtype`, then backward with grad_outputs (drawn from rng if None)."""
    real = []
    for a in args:
        if isinstance(a, Arg):
            real.append(('arg', a.name, _materialise(a.value, dtype, a.grad), a.grad))
        else:
            real.append(a)
    call_args = [r[2] if isinstance(r, tuple) and r and r[0] == 'arg' else r for r in real]
    out = fn(*call_args, **kwargs)
    outs = flatten(out)
    leaves = [(n, t) for n, t, _ in _leaves(real)]
    if extra_leaves is not None:
        leaves += extra_leaves()
    if grad_outputs is None:
        grad_outputs = [rng.grad_like(o) if is_float(o) and o.requires_grad else None for o in outs]
    roots = [(o, g) for o, g in zip(outs, grad_outputs) if g is not None and isinstance(o, torch.Tensor) and o.requires_grad]
    grads: dict = {}
    if roots and leaves:
        gs = torch.autograd.grad([o for o, _ in roots], [t for _, t in leaves], [g.to(o.dtype) for o, g in roots], allow_unused=True)
        for (name, t), g in zip(leaves, gs):
            g = torch.zeros_like(t) if g is None else g
            grads.setdefault(name, []).append(g.detach())
    # Lists (cat/stack inputs) keep their list; single tensors are unwrapped.
    list_names = {r[1] for r in real if isinstance(r, tuple) and r and r[0] == 'arg' and isinstance(r[2], list)}
    grads = {k: (v if k in list_names else v[0]) for k, v in grads.items()}
    return Computed([o.detach() if isinstance(o, torch.Tensor) else o for o in outs], grad_outputs, grads)


def pairs_of(a: Computed, b: Computed) -> list[tuple[torch.Tensor, torch.Tensor]]:
    out = [(x, y) for x, y in zip(a.outputs, b.outputs) if is_float(x)]
    for k, v in a.grads.items():
        w = b.grads[k]
        if isinstance(v, list):
            out.extend(zip(v, w))
        else:
            out.append((v, w))
    return out


def check_same_ints(a: Computed, b: Computed, what: str) -> None:
    for x, y in zip(a.outputs, b.outputs):
        if isinstance(x, torch.Tensor) and not x.dtype.is_floating_point and not torch.equal(x, y):
            raise GeneratorError(f'{what}: integer output differs between float64 and float32 (ties?)')


def encode_grads(grads: dict) -> dict:
    return {k: ([enc(t) for t in v] if isinstance(v, list) else enc(v)) for k, v in grads.items()}


def encode_output(outs: list) -> Any:
    encoded = [enc(o) if isinstance(o, torch.Tensor) else enc_value(o) for o in outs]
    return encoded[0] if len(encoded) == 1 else encoded


def encode_grad_output(gos: list) -> Any:
    encoded = [enc(g) if g is not None else None for g in gos]
    if len(encoded) == 1:
        return encoded[0]
    return encoded


def forward_case(case: dict, fn: Callable[..., Any], args: Sequence[Any], kwargs: dict | None = None, *, rng: Rng,
                 floor: tuple[float, float] | None = None, check_ints: bool = True) -> dict:
    """Fills a value case: args, output, gradOutput, grads, rtol/atol (float64 reference, float32-reachable)."""
    kwargs = kwargs or {}
    ref = compute(fn, args, kwargs, torch.float64, None, rng)
    f32 = compute(fn, args, kwargs, torch.float32, ref.grad_outputs, rng)
    if check_ints:
        check_same_ints(ref, f32, case.get('id', '?'))
    rtol, atol = reachable_tolerance(pairs_of(ref, f32), floor)
    case['args'] = [a.encode() if isinstance(a, Arg) else enc_value(a) for a in args]
    case['output'] = encode_output(ref.outputs)
    case['gradOutput'] = encode_grad_output(ref.grad_outputs) if any(g is not None for g in ref.grad_outputs) and ref.grads else None
    case['grads'] = encode_grads(ref.grads)
    case['rtol'], case['atol'] = rtol, atol
    return case


def error_message(e: BaseException) -> str:
    first = str(e).strip().split('\n')[0]
    return f'{type(e).__name__}: {first}'


def expect_error(case: dict, thunk: Callable[[], Any]) -> dict:
    """Records what torch says for bad input; a thunk that does not raise is a generator bug."""
    try:
        thunk()
    except Exception as e:  # noqa: BLE001 - any torch error is the expectation
        case['error'] = error_message(e)
        return case
    raise GeneratorError(f'{case.get("id")}: expected torch to reject this input, but it accepted it')


# --- files ---------------------------------------------------------------------------------


KIND_LABELS = {'ops': 'ops', 'losses': 'loss', 'layers': 'layer', 'optim': 'optim', 'schedulers': 'scheduler', 'training': 'training', 'interop': 'interop', 'programs': 'program'}


def header(folder: str, name: str, notes: list[str]) -> dict:
    return {'format': FORMAT, 'kind': KIND_LABELS[folder], 'name': name, 'set': SET_NAME, 'seed': SEED,
            'torch': torch.__version__, 'generator': GENERATOR, 'notes': notes}


def dumps(v: Any) -> str:
    return json.dumps(v, allow_nan=False, ensure_ascii=False)


def write_cases(path, head: dict, cases: list[dict]) -> None:
    """A header, then one case a line (diff-friendly); ids unique within the file."""
    seen = set()
    for c in cases:
        if c['id'] in seen:
            raise GeneratorError(f'{path}: duplicate case id {c["id"]}')
        seen.add(c['id'])
    lines = ['{']
    for k, v in head.items():
        lines.append(f'  {dumps(k)}: {dumps(v)},')
    lines.append('  "cases": [')
    lines.extend(f'    {dumps(c)}{"," if i < len(cases) - 1 else ""}' for i, c in enumerate(cases))
    lines.append('  ]')
    lines.append('}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')


def write_object(path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, allow_nan=False, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
