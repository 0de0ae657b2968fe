"""Dumps the public names of PyTorch's API that a port to Tensile would use, as JSON.

`python3 torch_names.py OUT.json` writes, sorted, each category of the "Porting from PyTorch"
page (docs/porting.md, written by tools/codegen from this file and Tensile's exports):

- torch: the tensor functions of the torch namespace (torch.overrides' overridable functions);
- Tensor: the public Tensor methods and properties (the same, for torch.Tensor, and its descriptors);
- nn: the torch.nn modules (nn.Module and its subclasses in torch.nn.modules.__all__);
- nn.functional: the overridable functions of torch.nn.functional;
- optim: the optimizers (optim.Optimizer and its subclasses in torch.optim);
- optim.lr_scheduler: the learning-rate schedulers.
"""
import inspect
import json
import sys
import types

import torch
import torch.nn.functional
import torch.optim.lr_scheduler


def public(names):
    return sorted({n for n in names if not n.startswith('_')})


def overridable(namespace):
    funcs = torch.overrides.get_overridable_functions().get(namespace, [])
    out = []
    for f in funcs:
        name = getattr(f, '__name__', None)
        if name is None and hasattr(f, 'fget'):  # a property of Tensor
            name = f.fget.__name__
        if name is not None:
            out.append(name)
    return public(out)


def tensor_properties():
    """Tensor's public properties (shape, grad, requires_grad, T, ...), which torch.overrides lists only in part."""
    kinds = (property, types.GetSetDescriptorType, types.MemberDescriptorType)
    return public(n for n in dir(torch.Tensor) if isinstance(inspect.getattr_static(torch.Tensor, n), kinds))


def classes(module, base, names=None):
    names = names if names is not None else dir(module)
    return public(n for n in names if inspect.isclass(getattr(module, n, None)) and issubclass(getattr(module, n), base))


def main(out):
    schedulers = torch.optim.lr_scheduler
    names = {
        'torch_version': torch.__version__.split('+')[0],
        'torch': overridable(torch),
        'Tensor': sorted(set(overridable(torch.Tensor)) | set(tensor_properties())),
        'nn': classes(torch.nn, torch.nn.Module, torch.nn.modules.__all__),
        'nn.functional': overridable(torch.nn.functional),
        'optim': classes(torch.optim, torch.optim.Optimizer),
        'optim.lr_scheduler': classes(schedulers, (schedulers._LRScheduler, schedulers.ReduceLROnPlateau)),
    }
    with open(out, 'w') as f:
        json.dump(names, f, indent=1, sort_keys=False)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1])
