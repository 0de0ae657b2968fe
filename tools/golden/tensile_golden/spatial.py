"""Spatial layers of issue 20: padding, Upsample, PixelShuffle / PixelUnshuffle, Unfold / Fold,
AdaptiveMaxPool1d / 2d, InstanceNorm1d / 2d. Cases are made by layers.py's machinery."""

from __future__ import annotations

from typing import Callable

import torch

from .common import Arg
from .layers import INF, NAN, Cases, distinct, ints, with_specials


def pad_layer(layer: str, d: int, mode: str) -> Callable[[], Cases]:
    value = layer.startswith('Constant')

    def gen() -> Cases:
        c = Cases(layer, [f'F.pad(input, padding, mode={mode!r}{", value" if value else ""}); an int padding is used for all {2 * d} sides; the list is [left, right{", top, bottom" if d == 2 else ""}] (last dim first)',
                          'reflect mirrors without repeating the edge (each padding < the dim); replicate repeats the edge; constant allows negative padding (crops)'])
        o = (lambda p, v=1.5: {'padding': p, 'value': v}) if value else (lambda p, v=None: {'padding': p})
        sp = (5,) if d == 1 else (4, 5)
        c.value('int', o(2), [('input', (2, 3, *sp))])
        c.value('int/eval', o(1), [('input', (2, 3, *sp))], mode='eval')
        c.value('list', o([1, 2] if d == 1 else [1, 2, 0, 3]), [('input', (2, 2, *sp))])
        c.value('unbatched', o([2, 1] if d == 1 else [2, 1, 1, 2]), [('input', (3, *sp))])
        c.value('zero', o(0), [('input', (1, 2, *sp))])
        c.value('one-sided', o([0, 3] if d == 1 else [0, 0, 3, 0]), [('input', (1, 2, *sp))])
        c.value('input-no-grad', o(1), [('input', (1, 2, *sp), False)])
        c.value('nan-inf', o(1), lambda r: [Arg('input', with_specials(r, (1, 2, *sp), [NAN, INF, -INF]), True)])
        if mode == 'reflect':
            c.value('largest', o([4, 4] if d == 1 else [4, 4, 3, 3]), [('input', (1, 2, *sp))], note='padding dim size - 1: the largest reflect allows')
            c.error('padding-equals-size', o([5, 0] if d == 1 else [0, 0, 4, 0]), [('input', (1, 2, *sp))])
            c.error('padding-too-large', o(6), [('input', (1, 2, *sp))])
        if mode == 'replicate':
            c.value('larger-than-input', o([7, 6] if d == 1 else [6, 7, 5, 4]), [('input', (1, 2, *sp))])
            c.value('size-1', o(2), [('input', (1, 2, *((1,) * d)))])
        if mode != 'constant':
            c.value('empty-batch', o(1), [('input', (0, 2, *sp))])
            c.error(f'{d}d-input', o(1), [('input', sp)])
            c.error(f'{d + 3}d-input', o(1), [('input', (1, 1, 1, *sp))])
            c.error('empty-spatial', o(1), [('input', (1, 2, *sp[:-1], 0))])
            c.error('int-input', o(1), [ints('input', 1, 2, *sp)])
            c.error('padding-length-3', o([1, 2, 3]), [('input', (1, 2, *sp))])
        else:
            c.value('negative', o([-1, -2] if d == 1 else [-1, 2, 1, -2]), [('input', (2, 2, *sp))], note='negative padding crops')
            c.value('negative/to-empty', o([-2, -3] if d == 1 else [0, 0, -2, -2]), [('input', (1, 2, *sp))], note='cropped to an empty dim')
            c.value('1d-input', o(1), [('input', (5,) if d == 1 else (4, 5))], note='constant padding pads any input with at least the padded dims')
            c.value('5d-input', o(1), [('input', (1, 2, 1, 2, *sp))])
            c.value('empty-batch', o(1), [('input', (0, 2, *sp))])
            if value:
                c.value('value-neg-inf', o(1, -INF), [('input', (1, 2, *sp))])
            c.error('negative-size', o([-3, -3] if d == 1 else [0, 0, -3, -2]), [('input', (1, 2, *sp))])
            c.error('padding-length-too-large', o([1, 1, 1, 1, 1, 1] if d == 2 else [1, 1, 1, 1]), [('input', (3,) if d == 1 else (3, 3))])
        return c
    gen.__name__ = layer
    return gen


def upsample() -> Cases:
    c = Cases('Upsample', ["a scaleFactor per dim is a tuple in torch 1.13's nn.Upsample (a list fails there), so these cases give one number; F.interpolate takes a list","F.interpolate(input, size, scaleFactor, mode, alignCorners, recomputeScaleFactor) as PyTorch 1.13: with scaleFactor given (recomputeScaleFactor not true) the kernels map indices with 1 / scaleFactor, otherwise with in / out",
                           'nearest: src = min(floor(dst * scale), in - 1) in float32; linear / bilinear: src = alignCorners ? dst * (in - 1) / (out - 1) : max((dst + 0.5) * scale - 0.5, 0)'])
    x3, x4 = (2, 2, 5), (1, 2, 3, 4)
    c.value('nearest/scale-2/1d', {'scaleFactor': 2.0}, [('input', x3)])
    c.value('nearest/scale-2/2d', {'scaleFactor': 2.0}, [('input', x4)])
    c.value('nearest/scale-2/eval', {'scaleFactor': 2.0}, [('input', x4)], mode='eval')
    c.value('nearest/scale-3/3d', {'scaleFactor': 3.0}, [('input', (1, 1, 2, 2, 2))])
    c.value('nearest/size', {'size': 7}, [('input', x3)])
    c.value('nearest/size-down', {'size': [2, 3]}, [('input', (1, 2, 5, 7))])
    c.value('nearest/scale-1.7', {'scaleFactor': 1.7}, [('input', (1, 2, 6))], note='out = floor(6 * 1.7) = 10, indices from 1 / 1.7, not 6 / 10')
    c.value('nearest/scale-1.7/recompute', {'scaleFactor': 1.7, 'recomputeScaleFactor': True}, [('input', (1, 2, 6))])
    c.value('nearest/scale-0.5', {'scaleFactor': 0.5}, [('input', (1, 2, 5, 6))])
    c.value('nearest/nan-inf', {'scaleFactor': 2.0}, lambda r: [Arg('input', with_specials(r, x4, [NAN, INF]), True)])
    for mode, x in (('linear', x3), ('bilinear', x4)):
        c.value(f'{mode}/scale-2', {'scaleFactor': 2.0, 'mode': mode}, [('input', x)])
        c.value(f'{mode}/scale-2/align-corners', {'scaleFactor': 2.0, 'mode': mode, 'alignCorners': True}, [('input', x)])
        c.value(f'{mode}/size', {'size': 8 if mode == 'linear' else [5, 7], 'mode': mode}, [('input', x)])
        c.value(f'{mode}/size/align-corners', {'size': 8 if mode == 'linear' else [5, 7], 'mode': mode, 'alignCorners': True}, [('input', x)])
        c.value(f'{mode}/downsample', {'size': 3 if mode == 'linear' else [2, 3], 'mode': mode}, [('input', (1, 2, 7) if mode == 'linear' else (1, 2, 5, 7))])
        c.value(f'{mode}/scale-1.3', {'scaleFactor': 1.3, 'mode': mode}, [('input', x)])
        c.value(f'{mode}/scale-1.3/recompute', {'scaleFactor': 1.3, 'mode': mode, 'recomputeScaleFactor': True}, [('input', x)])
        c.value(f'{mode}/size-1/align-corners', {'size': 1 if mode == 'linear' else [1, 2], 'mode': mode, 'alignCorners': True}, [('input', x)])
        c.value(f'{mode}/input-size-1', {'scaleFactor': 3.0, 'mode': mode}, [('input', (1, 2, 1) if mode == 'linear' else (1, 2, 1, 2))])
        c.value(f'{mode}/empty-batch', {'scaleFactor': 2.0, 'mode': mode}, [('input', (0, 2, *x[2:]))])
        c.value(f'{mode}/input-no-grad', {'scaleFactor': 2.0, 'mode': mode}, [('input', x, False)])
    c.error('no-size-no-scale', {}, [('input', x3)])
    c.error('size-and-scale', {'size': 4, 'scaleFactor': 2.0}, [('input', x3)])
    c.error('size-rank-mismatch', {'size': [4, 4]}, [('input', x3)])
    c.error('nearest/align-corners', {'scaleFactor': 2.0, 'alignCorners': False}, [('input', x3)])
    c.error('linear/4d-input', {'scaleFactor': 2.0, 'mode': 'linear'}, [('input', x4)])
    c.error('bilinear/3d-input', {'scaleFactor': 2.0, 'mode': 'bilinear'}, [('input', x3)])
    c.error('2d-input', {'scaleFactor': 2.0}, [('input', (2, 5))])
    c.error('recompute-with-size', {'size': 4, 'recomputeScaleFactor': True}, [('input', x3)])
    c.error('output-0', {'scaleFactor': 0.1}, [('input', x3)])
    return c


def pixel_shuffle(layer: str) -> Callable[[], Cases]:
    up = layer == 'PixelShuffle'
    key = 'upscaleFactor' if up else 'downscaleFactor'

    def gen() -> Cases:
        c = Cases(layer, ['(*, C * r^2, H, W) -> (*, C, H * r, W * r)' if up else '(*, C, H * r, W * r) -> (*, C * r^2, H, W)'])
        base = (lambda c_, h, w: (c_ * 4, h, w)) if up else (lambda c_, h, w: (c_, h * 2, w * 2))
        c.value('r-2', {key: 2}, [('input', (2, *base(2, 2, 3)))])
        c.value('r-2/eval', {key: 2}, [('input', (1, *base(1, 2, 2)))], mode='eval')
        c.value('r-3', {key: 3}, [('input', (1, 9, 2, 2) if up else (1, 2, 3, 6))])
        c.value('r-1', {key: 1}, [('input', (1, 3, 2, 2))])
        c.value('unbatched', {key: 2}, [('input', base(2, 2, 2))])
        c.value('5d-input', {key: 2}, [('input', (2, 1, *base(1, 2, 1)))])
        c.value('input-no-grad', {key: 2}, [('input', (1, *base(1, 1, 2)), False)])
        if up:  # torch 1.13's pixel_unshuffle returns an empty input unchanged (a bug), so only PixelShuffle has this case
            c.value('empty-batch', {key: 2}, [('input', (0, *base(1, 2, 2)), False)], note="forward only: torch 1.13's backward of an empty batch fails")
        c.error('2d-input', {key: 2}, [('input', (4, 4))])
        c.error('factor-0', {key: 0}, [('input', (1, 4, 2, 2))])
        if up:
            c.error('channels-not-divisible', {key: 2}, [('input', (1, 6, 2, 2))])
        else:
            c.error('height-not-divisible', {key: 2}, [('input', (1, 1, 3, 4))])
            c.error('width-not-divisible', {key: 2}, [('input', (1, 1, 4, 3))])
        return c
    gen.__name__ = layer
    return gen


def unfold() -> Cases:
    c = Cases('Unfold', ['(N, C, H, W) or (C, H, W) -> (N, C * kH * kW, L): row c * kH * kW + k holds kernel offset k of channel c for each of the L blocks'])
    c.value('kernel-2', {'kernelSize': 2}, [('input', (2, 2, 3, 4))])
    c.value('kernel-2/eval', {'kernelSize': 2}, [('input', (1, 2, 3, 3))], mode='eval')
    c.value('kernel-2x3/stride-2/padding-1', {'kernelSize': [2, 3], 'stride': 2, 'padding': 1}, [('input', (1, 2, 4, 5))])
    c.value('dilation-2', {'kernelSize': 2, 'dilation': 2}, [('input', (1, 1, 4, 5))])
    c.value('all-options', {'kernelSize': 3, 'dilation': [1, 2], 'padding': [1, 2], 'stride': [2, 1]}, [('input', (1, 2, 5, 4))])
    c.value('kernel-equals-input', {'kernelSize': [3, 4]}, [('input', (1, 2, 3, 4))])
    c.value('unbatched', {'kernelSize': 2, 'stride': 1}, [('input', (2, 3, 3))])
    c.value('input-no-grad', {'kernelSize': 2}, [('input', (1, 1, 3, 3), False)])
    c.value('empty-batch', {'kernelSize': 2}, [('input', (0, 2, 3, 3))])
    c.error('kernel-too-large', {'kernelSize': 5}, [('input', (1, 2, 3, 4))])
    c.error('stride-0', {'kernelSize': 2, 'stride': 0}, [('input', (1, 2, 3, 4))])
    c.error('negative-padding', {'kernelSize': 2, 'padding': -1}, [('input', (1, 2, 3, 4))])
    c.error('dilation-0', {'kernelSize': 2, 'dilation': 0}, [('input', (1, 2, 3, 4))])
    c.error('kernel-0', {'kernelSize': 0}, [('input', (1, 2, 3, 4))])
    c.error('empty-channels', {'kernelSize': 2}, [('input', (1, 0, 3, 4))])
    c.error('2d-input', {'kernelSize': 2}, [('input', (3, 4))])
    c.error('int-input', {'kernelSize': 2}, [ints('input', 1, 2, 3, 4)])
    return c


def fold() -> Cases:
    c = Cases('Fold', ['(N, C * kH * kW, L) or (C * kH * kW, L) -> (N, C, outputSize[0], outputSize[1]): the sum of every block over the positions it covers (Unfold\'s adjoint)'])
    c.value('kernel-2', {'outputSize': [3, 4], 'kernelSize': 2}, [('input', (2, 8, 6))])
    c.value('kernel-2/eval', {'outputSize': 3, 'kernelSize': 2}, [('input', (1, 4, 4))], mode='eval')
    c.value('kernel-2x3/stride-2/padding-1', {'outputSize': [4, 5], 'kernelSize': [2, 3], 'stride': 2, 'padding': 1}, [('input', (1, 12, 9))])
    c.value('dilation-2', {'outputSize': [4, 5], 'kernelSize': 2, 'dilation': 2}, [('input', (1, 4, 6))])
    c.value('all-options', {'outputSize': [5, 4], 'kernelSize': 3, 'dilation': [1, 2], 'padding': [1, 2], 'stride': [2, 1]}, [('input', (1, 18, 12))])
    c.value('stride-gaps', {'outputSize': [5, 5], 'kernelSize': 2, 'stride': 3}, [('input', (1, 4, 4))], note='positions no block covers are 0')
    c.value('unbatched', {'outputSize': [3, 3], 'kernelSize': 2}, [('input', (8, 4))])
    c.value('input-no-grad', {'outputSize': [3, 3], 'kernelSize': 2}, [('input', (1, 4, 4), False)])
    c.value('empty-batch', {'outputSize': [3, 3], 'kernelSize': 2}, [('input', (0, 4, 4))])
    c.error('blocks-mismatch', {'outputSize': [3, 4], 'kernelSize': 2}, [('input', (1, 8, 5))])
    c.error('channels-not-divisible', {'outputSize': [3, 4], 'kernelSize': 2}, [('input', (1, 7, 6))])
    c.error('output-too-small', {'outputSize': [1, 4], 'kernelSize': 2}, [('input', (1, 8, 6))])
    c.error('stride-0', {'outputSize': [3, 4], 'kernelSize': 2, 'stride': 0}, [('input', (1, 8, 6))])
    c.error('4d-input', {'outputSize': [3, 4], 'kernelSize': 2}, [('input', (1, 1, 8, 6))])
    c.error('int-input', {'outputSize': [3, 4], 'kernelSize': 2}, [ints('input', 1, 8, 6)])
    return c


def adaptive_max_pool(layer: str, d: int) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, ['output cell i of a dim is the maximum of input[floor(i * in / out) : ceil((i + 1) * in / out)]; a NaN is a maximum',
                          'returnIndices: output is [values, indices] with gradOutput [g, null]; indices are flat positions in each input plane (h * W + w)'])
        sp = (lambda *v: tuple(v[:1])) if d == 1 else (lambda *v: tuple(v) if len(v) == 2 else (v[0], v[0]))
        dx = lambda *shape: (lambda r: [Arg('input', distinct(r, shape), True)])
        c.value('divisible', {'outputSize': 2}, dx(2, 2, *sp(4)))
        c.value('divisible/eval', {'outputSize': 2}, dx(2, 2, *sp(4)), mode='eval')
        c.value('not-divisible', {'outputSize': 3}, dx(1, 2, *sp(5)))
        c.value('global', {'outputSize': 1}, dx(2, 3, *sp(3)))
        c.value('identity-size', {'outputSize': 3}, dx(1, 2, *sp(3)))
        c.value('upsampling', {'outputSize': 5}, dx(1, 1, *sp(3)), note='more outputs than inputs: windows of 1 or 2 elements overlap')
        c.value('unbatched', {'outputSize': 2}, dx(2, *sp(5)))
        c.value('return-indices', {'outputSize': 3, 'returnIndices': True}, dx(2, 2, *sp(5)))
        c.value('return-indices/unbatched', {'outputSize': 2, 'returnIndices': True}, dx(2, *sp(5)))
        c.value('input-no-grad', {'outputSize': 2}, lambda r: [Arg('input', distinct(r, (1, 2, *sp(4))), False)])
        c.value('nan-inf', {'outputSize': 2, 'returnIndices': True}, lambda r: [Arg('input', with_specials(r, (1, 2, *sp(4)), [NAN, INF, -INF]), True)])
        c.value('all-neg-inf', {'outputSize': 3, 'returnIndices': True}, lambda r: [Arg('input', torch.full((1, 1, *sp(5)), -INF), True)], note='ties: each window picks its first element')
        c.value('empty-batch', {'outputSize': 2}, [('input', (0, 2, *sp(4)))])
        if d == 2:
            c.value('tuple', {'outputSize': [2, 3], 'returnIndices': True}, dx(1, 2, 4, 5))
            c.value('null-height', {'outputSize': [None, 2]}, dx(1, 2, 3, 4))
            c.value('non-square-input', {'outputSize': [1, 4]}, dx(1, 2, 3, 7))
            c.error('2d-input', {'outputSize': 2}, [('input', (4, 4))])
            c.error('5d-input', {'outputSize': 2}, [('input', (1, 1, 1, 4, 4))])
            c.error('empty-spatial', {'outputSize': 2}, [('input', (1, 2, 0, 3))])
        else:
            c.value('list', {'outputSize': [3]}, dx(1, 2, 7))
            c.error('1d-input', {'outputSize': 2}, [('input', (4,))])
            c.error('4d-input', {'outputSize': 2}, [('input', (1, 1, 4, 4))])
            c.error('empty-length', {'outputSize': 2}, [('input', (1, 2, 0))])
        c.error('negative-output-size', {'outputSize': -1}, [('input', (1, 2, *sp(3)))])
        c.error('int-input', {'outputSize': 2}, [ints('input', 1, 2, *sp(4))])
        return c
    gen.__name__ = layer
    return gen


def instance_norm(layer: str, d: int) -> Callable[[], Cases]:
    def gen() -> Cases:
        c = Cases(layer, ["normalizes each sample's channel over its spatial dims with the biased variance, then weight * x + bias per channel when affine (default false)",
                          'trackRunningStats (default false): training blends running_mean / running_var with the batch mean of the instance means and unbiased variances; eval mode then uses them; num_batches_tracked is never incremented (PyTorch 1.13)'])
        sp = (5,) if d == 1 else (3, 4)
        o = {'numFeatures': 3}
        x = (2, 3, *sp)
        c.value('train/basic', o, [('input', x)])
        c.value('eval/basic', o, [('input', x)], mode='eval', note='no running stats: instance statistics in eval mode too')
        c.value('train/affine', {**o, 'affine': True}, [('input', x)])
        c.value('eval/affine', {**o, 'affine': True}, [('input', x)], mode='eval')
        c.value('train/running-stats', {**o, 'trackRunningStats': True}, [('input', x)])
        c.value('train/running-stats/momentum-0.3', {**o, 'trackRunningStats': True, 'momentum': 0.3}, [('input', x)])
        c.value('eval/running-stats', {**o, 'trackRunningStats': True}, [('input', x)], mode='eval')
        c.value('train/affine/running-stats', {**o, 'affine': True, 'trackRunningStats': True}, [('input', x)])
        c.value('eval/affine/running-stats', {**o, 'affine': True, 'trackRunningStats': True}, [('input', x)], mode='eval')
        c.value('train/eps-0.1', {**o, 'eps': 0.1}, [('input', x)])
        c.value('unbatched', {**o, 'affine': True}, [('input', (3, *sp))])
        c.value('unbatched/running-stats', {**o, 'trackRunningStats': True}, [('input', (3, *sp))])
        c.value('unbatched/running-stats/eval', {**o, 'trackRunningStats': True}, [('input', (3, *sp))], mode='eval')
        c.value('batch-1', {**o, 'affine': True}, [('input', (1, 3, *sp))])
        c.value('channels-differ/no-affine', o, [('input', (2, 4, *sp))], note='without affine or running stats the channel count is not checked (PyTorch only warns)')
        c.value('input-no-grad', {**o, 'affine': True}, [('input', x, False)])
        c.value('offset-input', {**o, 'affine': True}, lambda r: [Arg('input', r.randn(*x, shift=30.0), True)])
        c.value('constant-instance', {'numFeatures': 2, 'affine': True}, lambda r: [Arg('input', torch.full((1, 2, *sp), 1.5), True)], note='zero variance: the output is the bias')
        c.value('nan', o, lambda r: [Arg('input', with_specials(r, x, [NAN]), True)], note='a NaN spoils its own instance only')
        c.value('empty-batch', o, [('input', (0, 3, *sp))])
        c.value('one-spatial/eval/running-stats', {**o, 'trackRunningStats': True}, [('input', (2, 3, *((1,) * d)))], mode='eval', note='running stats: one value per instance is fine in eval mode')
        c.error('one-spatial-element', o, [('input', (2, 3, *((1,) * d)))])
        c.error('channels-mismatch/affine', {**o, 'affine': True}, [('input', (2, 4, *sp))])
        c.error('channels-mismatch/running-stats', {**o, 'trackRunningStats': True}, [('input', (2, 4, *sp))])
        c.error(f'{d}d-input', o, [('input', sp[:d] if d > 1 else (5,))] if d == 1 else [('input', (3, 4))])
        c.error(f'{d + 3}d-input', o, [('input', (1, 3, 2, *sp))])
        c.error('momentum-null', {**o, 'trackRunningStats': True, 'momentum': None}, [('input', x)])
        c.error('negative-features', {'numFeatures': -1})
        c.error('int-input', o, [ints('input', *x)])
        return c
    gen.__name__ = layer
    return gen
