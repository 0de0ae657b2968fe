"""Tensile's checkpoint format in Python (the optim README documents it).

A safetensors file: the model's tensors as `model.<name>`, the optimizer's state
tensors as `optimizer.state.<index>.<field>` (lists: `.<j>`), tensors in `extra`
as `extra.<path>`, and in `__metadata__['tensile_checkpoint']` a JSON header:
{format: 'tensile-checkpoint', version: 1, model: [names], optimizer: {type, state,
param_groups}, scheduler: {type, state}, extra}, with PyTorch's own names
(optimizer.state_dict() and scheduler.state_dict()), tensors as {"$tensor": name},
0-d tensors (PyTorch's step counts, NAdam's mu_product, ...) as numbers and
non-finite numbers as {"$float": "inf" | "-inf" | "nan"}.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import torch

from .interop import ST_DTYPE, serialize

KEY = 'tensile_checkpoint'
VERSION = 1
FROM_ST = {v: k for k, v in ST_DTYPE.items()}
# Fields of PyTorch's that are not state (CUDA switches) or not plain data.
SKIP_SCHEDULER = {'optimizer', '_get_lr_called_within_step', 'verbose'}


def _encode(v: Any, name: str, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(v, torch.Tensor):
        if v.dim() == 0:
            return _encode(v.item(), name, tensors)
        tensors[name] = v.detach().cpu().contiguous()
        return {'$tensor': name}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return {'$float': 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')}
        return v
    if isinstance(v, (list, tuple)):
        return [_encode(x, f'{name}.{i}', tensors) for i, x in enumerate(v)]
    if isinstance(v, dict):
        return {str(k): _encode(x, f'{name}.{k}', tensors) for k, x in v.items()}
    raise ValueError(f'cannot store {name}: {type(v).__name__}')


def write(model_sd: dict | None = None, optimizer: torch.optim.Optimizer | dict | None = None, scheduler: Any = None,
          extra: Any = None, *, optimizer_type: str | None = None, scheduler_type: str | None = None) -> bytes:
    """Checkpoint bytes from a model state_dict, an optimizer (or its state_dict) and a scheduler (or its state_dict)."""
    tensors: dict[str, torch.Tensor] = {}
    head: dict[str, Any] = {'format': 'tensile-checkpoint', 'version': VERSION}
    if model_sd is not None:
        head['model'] = list(model_sd.keys())
        for k, t in model_sd.items():
            tensors[f'model.{k}'] = t.detach().cpu().contiguous()
    if optimizer is not None:
        sd = optimizer if isinstance(optimizer, dict) else optimizer.state_dict()
        head['optimizer'] = {
            'type': optimizer_type or type(optimizer).__name__,
            'state': {str(i): _encode(s, f'optimizer.state.{i}', tensors) for i, s in sd['state'].items()},
            'param_groups': _encode(sd['param_groups'], 'optimizer.param_groups', tensors),
        }
    if scheduler is not None:
        sd = scheduler if isinstance(scheduler, dict) else scheduler.state_dict()
        sd = {k: v for k, v in sd.items() if k not in SKIP_SCHEDULER}
        head['scheduler'] = {'type': scheduler_type or type(scheduler).__name__, 'state': _encode(sd, 'scheduler', tensors)}
    if extra is not None:
        head['extra'] = _encode(extra, 'extra', tensors)
    return serialize(tensors, {'format': 'pt', KEY: json.dumps(head, separators=(',', ':'), allow_nan=False)})


def _tensors(data: bytes) -> tuple[dict[str, torch.Tensor], dict]:
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', None) or {}
    if KEY not in meta:
        raise ValueError(f'not a Tensile checkpoint: no {KEY} in __metadata__')
    buf = data[8 + n:]
    out = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        dtype = FROM_ST[e['dtype']]
        raw = bytearray(buf[b:end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e['shape']).clone()
    return out, json.loads(meta[KEY])


def _decode(v: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(v, list):
        return [_decode(x, tensors) for x in v]
    if isinstance(v, dict):
        if '$tensor' in v:
            return tensors[v['$tensor']]
        if '$float' in v:
            return float(v['$float'])
        return {k: _decode(x, tensors) for k, x in v.items()}
    return v


def read(data: bytes) -> dict:
    """{'model': state_dict, 'optimizer': {'type', 'state_dict'}, 'scheduler': {'type', 'state_dict'}, 'extra'} from checkpoint bytes."""
    tensors, head = _tensors(data)
    if head.get('format') != 'tensile-checkpoint' or head.get('version') != VERSION:
        raise ValueError(f"not a version-{VERSION} Tensile checkpoint: {head.get('format')} {head.get('version')}")
    out: dict[str, Any] = {}
    if 'model' in head:
        out['model'] = {k: tensors[f'model.{k}'] for k in head['model']}
    if 'optimizer' in head:
        o = head['optimizer']
        # PyTorch's load_state_dict turns numeric steps back into the tensors its optimizers keep (__setstate__).
        out['optimizer'] = {'type': o['type'], 'state_dict': {'state': {int(i): _decode(s, tensors) for i, s in o['state'].items()},
                                                               'param_groups': _decode(o['param_groups'], tensors)}}
    if 'scheduler' in head:
        out['scheduler'] = {'type': head['scheduler']['type'], 'state_dict': _decode(head['scheduler']['state'], tensors)}
    if 'extra' in head:
        out['extra'] = _decode(head['extra'], tensors)
    return out
