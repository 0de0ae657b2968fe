#!/usr/bin/env python3
"""Continues in PyTorch a run checkpointed by Tensile: python3 continue_checkpoint.py CKPT STEPS.

The checkpoint's 'extra' describes the run as the generator's checkpoints/ files do
(layers, input, target, loss 'MSELoss'). Builds the model, the optimizer and the
scheduler of the classes the checkpoint names, loads their states and prints, as
JSON, the losses of STEPS more steps (each before its step), in float64.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from tensile_golden import checkpoint_format  # noqa: E402
from tensile_golden.checkpoints import build, step_once  # noqa: E402


def main() -> int:
    path, steps = Path(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(1)
    ck = checkpoint_format.read(path.read_bytes())
    extra = ck['extra']
    model = build(extra['layers']).double()
    model.load_state_dict({k: v.double() for k, v in ck['model'].items()})
    osd = ck['optimizer']['state_dict']
    opt = getattr(torch.optim, ck['optimizer']['type'])(model.parameters(), lr=osd['param_groups'][0]['lr'])
    sched = None
    if 'scheduler' in ck:
        ssd = ck['scheduler']['state_dict']
        cls = getattr(torch.optim.lr_scheduler, ck['scheduler']['type'])
        # Any constructor arguments: load_state_dict replaces every field.
        args = {'StepLR': {'step_size': 1}, 'CosineAnnealingLR': {'T_max': 1}, 'ExponentialLR': {'gamma': 1.0}}.get(cls.__name__, {})
        sched = cls(opt, **args)
    opt.load_state_dict(osd)
    if sched is not None:
        sched.load_state_dict(ssd)
    x, y = extra['input'].double(), extra['target'].double()
    print(json.dumps([step_once(model, opt, sched, x, y) for _ in range(steps)]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
