#!/usr/bin/env python3
"""Writes Tensile's golden set: python3 generate.py OUTDIR [--only KIND ...].

Deterministic: the same torch build writes the same bytes (fixed seeds per
case, one thread). Needs Debian's python3-torch (1.13).
"""

import argparse
import importlib
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tensile_golden.common import setup_torch  # noqa: E402

KINDS = ['ops', 'losses', 'layers', 'optim', 'schedulers', 'training', 'interop', 'programs', 'checkpoints']


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('out', type=Path)
    p.add_argument('--only', action='append', choices=KINDS, help='generate only these kinds (repeatable)')
    a = p.parse_args()
    setup_torch()
    kinds = a.only or KINDS
    total = 0
    for kind in kinds:
        folder = a.out / kind
        if folder.exists():
            shutil.rmtree(folder)
        module = importlib.import_module(f'tensile_golden.{kind}')
        n = module.generate(folder)
        total += n
        print(f'{kind}: {n} cases', file=sys.stderr)
    print(f'total: {total} cases', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
