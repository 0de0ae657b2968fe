#!/usr/bin/env python3
"""Converts a torch.save checkpoint to Tensile's checkpoint format and back.

  python3 tools/checkpoint/convert.py to-tensile run.pt run.safetensors [--optimizer Adam] [--scheduler StepLR]
  python3 tools/checkpoint/convert.py to-torch run.safetensors run.pt

A torch.save checkpoint here is a dict {'model': model.state_dict(), 'optimizer':
optimizer.state_dict(), 'scheduler': scheduler.state_dict()} (each part optional; other
keys go to 'extra'). A state dict does not say which optimizer or scheduler wrote it, so
to-tensile takes their class names (Tensile checks them on load); to-torch writes them
under 'optimizer_type' and 'scheduler_type', which to-tensile reads back (so a file
to-torch wrote converts back without the flags, and a flag that disagrees is an error). Needs PyTorch (Debian: python3-torch).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'golden'))

import torch  # noqa: E402

from tensile_golden import checkpoint_format  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('to-tensile')
    a.add_argument('src', type=Path)
    a.add_argument('dst', type=Path)
    a.add_argument('--optimizer', help="the optimizer's class name (torch.optim.<name>)")
    a.add_argument('--scheduler', help="the scheduler's class name (torch.optim.lr_scheduler.<name>)")
    b = sub.add_parser('to-torch')
    b.add_argument('src', type=Path)
    b.add_argument('dst', type=Path)
    args = p.parse_args()
    if args.cmd == 'to-tensile':
        ck = torch.load(args.src, map_location='cpu')
        extra = {k: v for k, v in ck.items() if k not in ('model', 'optimizer', 'scheduler', 'optimizer_type', 'scheduler_type')}
        types = {}
        for part in ('optimizer', 'scheduler'):
            # A file to-torch wrote names its classes; a flag must agree with it.
            named, saved = getattr(args, part), ck.get(f'{part}_type')
            if named and saved and named != saved:
                p.error(f'--{part} {named} disagrees with the checkpoint\'s {part}_type {saved}')
            types[part] = named or saved
            if part in ck and not types[part]:
                p.error(f'the checkpoint has {"an" if part == "optimizer" else "a"} {part} state: name its class with --{part}')
        data = checkpoint_format.write(ck.get('model'), ck.get('optimizer'), ck.get('scheduler'), extra or None,
                                       optimizer_type=types['optimizer'], scheduler_type=types['scheduler'])
        args.dst.write_bytes(data)
    else:
        ck = checkpoint_format.read(args.src.read_bytes())
        out = {}
        if 'model' in ck:
            out['model'] = ck['model']
        for part in ('optimizer', 'scheduler'):
            if part in ck:
                out[part] = ck[part]['state_dict']
                out[f'{part}_type'] = ck[part]['type']
        if isinstance(ck.get('extra'), dict):
            out.update(ck['extra'])
        torch.save(out, args.dst)
    return 0


if __name__ == '__main__':
    sys.exit(main())
