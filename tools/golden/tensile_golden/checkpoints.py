"""checkpoints/*.safetensors: training runs checkpointed by PyTorch in Tensile's format.

Each file is a Tensile checkpoint (checkpoint_format.py) of a small model trained a
few steps in PyTorch 1.13 (float64, from float32 default-init weights), with in
'extra' what continuing needs: the layers (torch.nn names, camelCase options), the
data, the loss, the optimizer and scheduler classes, and PyTorch's losses for the
next steps ('continuedLosses', each before its step), for Tensile to follow.
No JSON beside them: everything is in the checkpoint's header.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import checkpoint_format
from .interop import gen, seeded

LAYERS = [{'type': 'Linear', 'inFeatures': 4, 'outFeatures': 8}, {'type': 'Tanh'}, {'type': 'Linear', 'inFeatures': 8, 'outFeatures': 1}]


def build(layers: list[dict]) -> nn.Sequential:
    mods = []
    for l in layers:
        if l['type'] == 'Linear':
            mods.append(nn.Linear(l['inFeatures'], l['outFeatures']))
        else:
            mods.append(getattr(nn, l['type'])())
    return nn.Sequential(*mods)


def step_once(model, opt, sched, x, y) -> float:
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    if sched is not None:
        sched.step()
    return loss.item()


CASES = [
    ('adam_steplr_mlp', lambda ps: torch.optim.Adam(ps, lr=0.02, amsgrad=True), lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ('sgd_nesterov_cosine_mlp', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8)),
    ('sgd_momentum_dampening_steplr_mlp', lambda ps: torch.optim.SGD(ps, lr=0.08, momentum=0.8, dampening=0.2, maximize=False),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.3)),
    ('adam_weight_decay_cosine_mlp', lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.05),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=6, eta_min=1e-3)),
]
DONE, MORE = 5, 10


def generate(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for name, make_opt, make_sched in CASES:
        model = seeded(name, lambda: build(LAYERS)).double()
        g = gen(name)
        x = torch.randn(16, 4, generator=g).double()
        y = torch.randn(16, 1, generator=g).double()
        opt = make_opt(model.parameters())
        sched = make_sched(opt)
        for _ in range(DONE):
            step_once(model, opt, sched, x, y)
        extra = {'layers': LAYERS, 'input': x, 'target': y, 'loss': 'MSELoss', 'stepsDone': DONE}
        model_sd = {k: v.clone() for k, v in model.state_dict().items()}
        opt_sd = opt.state_dict()
        sched_sd = sched.state_dict()
        # Serialised now: the continued steps below change the tensors in place.
        first = checkpoint_format.write(model_sd, opt, sched, extra)
        losses = [step_once(model, opt, sched, x, y) for _ in range(MORE)]
        extra['continuedLosses'] = losses
        del opt_sd, sched_sd
        data = checkpoint_format.write(checkpoint_format.read(first)['model'], checkpoint_format.read(first)['optimizer']['state_dict'],
                                       checkpoint_format.read(first)['scheduler']['state_dict'], extra,
                                       optimizer_type=type(opt).__name__, scheduler_type=type(sched).__name__)
        (folder / f'{name}.safetensors').write_bytes(data)
    return len(CASES)
