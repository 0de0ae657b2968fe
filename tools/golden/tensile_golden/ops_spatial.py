"""torch.nn.functional's spatial ops (issue 20) in the forms their layers do not reach: F.pad over
three dims and every mode, F.interpolate with a scale factor per dim (nn.Upsample in 1.13 takes only
a tuple there), F.fold / F.unfold / F.pixel_* directly, F.adaptive_max_pool*, F.instance_norm with
running statistics (use_input_stats false)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .ops import A, Group


def spatial() -> list[dict]:
    g = Group('spatial')
    for tag, x, pad, kw in [
        ('constant/3-dims', (1, 2, 3, 4), [1, 0, -1, 2, 1, 1], {'value': -0.5}),
        ('constant/all-dims', (2, 3), [1, 1, 2, -1], {}),
        ('reflect/3-dims', (1, 2, 3, 4, 3), [1, 2, 2, 1, 0, 2], {'mode': 'reflect'}),
        ('reflect/negative', (1, 2, 5), [-1, 2], {'mode': 'reflect'}),
        ('replicate/3-dims', (2, 3, 2, 4), [3, 0, 1, 2, 2, 2], {'mode': 'replicate'}),
        ('replicate/negative', (1, 2, 4, 5), [-2, 1, 2, -1], {'mode': 'replicate'}),
    ]:
        g.val('pad', tag, lambda r, x=x, pad=pad: [A('input', r.randn(*x)), pad], kw, fn=F.pad)
    g.err('pad', 'reflect/too-large', lambda r: [A('input', r.randn(1, 2, 3)), [3, 0]], {'mode': 'reflect'}, fn=F.pad)
    g.err('pad', 'reflect/4-dims', lambda r: [A('input', r.randn(1, 1, 2, 2, 2, 2)), [1] * 8], {'mode': 'reflect'}, fn=F.pad)
    g.err('pad', 'odd-length', lambda r: [A('input', r.randn(2, 3)), [1, 1, 1]], {}, fn=F.pad)
    g.err('pad', 'unknown-mode', lambda r: [A('input', r.randn(1, 2, 3)), [1, 1]], {'mode': 'wrap'}, fn=F.pad)
    for tag, x, kw in [
        ('nearest/scale-per-dim', (1, 2, 3, 4), {'scale_factor': [1.5, 2.5]}),
        ('nearest/3d', (1, 1, 2, 3, 2), {'size': [3, 5, 4]}),
        ('bilinear/scale-per-dim', (1, 2, 5, 4), {'scale_factor': [0.6, 1.75], 'mode': 'bilinear'}),
        ('bilinear/scale-per-dim/align-corners', (1, 1, 3, 4), {'scale_factor': [2.0, 1.5], 'mode': 'bilinear', 'align_corners': True}),
        ('linear/scale-per-dim/recompute', (2, 1, 4), {'scale_factor': [2.3], 'mode': 'linear', 'recompute_scale_factor': True}),
    ]:
        g.val('interpolate', tag, lambda r, x=x: [A('input', r.randn(*x))], kw, fn=F.interpolate)
    g.err('interpolate', 'scale-rank-mismatch', lambda r: [A('input', r.randn(1, 1, 3, 3))], {'scale_factor': [2.0, 2.0, 2.0]}, fn=F.interpolate)
    g.val('pixel_shuffle', 'r-2', lambda r: [A('input', r.randn(2, 8, 2, 3)), 2])
    g.val('pixel_unshuffle', 'r-2', lambda r: [A('input', r.randn(2, 2, 4, 6)), 2])
    g.val('unfold', 'all-options', lambda r: [A('input', r.randn(2, 2, 5, 4)), [2, 3]], {'dilation': [2, 1], 'padding': 1, 'stride': [1, 2]}, fn=F.unfold)
    g.val('fold', 'all-options', lambda r: [A('input', r.randn(2, 12, 10)), [5, 4], [2, 3]], {'dilation': [2, 1], 'padding': 1, 'stride': [1, 2]}, fn=F.fold)
    g.val('fold', 'unbatched', lambda r: [A('input', r.randn(8, 6)), [3, 4], 2], fn=F.fold)
    g.val('adaptive_max_pool2d', 'return-indices', lambda r: [A('input', r.randn(2, 2, 5, 7)), [2, 3]], {'return_indices': True})
    g.val('adaptive_max_pool1d', 'basic', lambda r: [A('input', r.randn(2, 3, 7)), 3])
    g.val('instance_norm', 'input-stats/weight-bias', lambda r: [A('input', r.randn(2, 3, 5)), None, None, A('weight', r.randn(3)), A('bias', r.randn(3))], {'eps': 1e-3}, fn=F.instance_norm)
    g.val('instance_norm', 'running-stats', lambda r: [A('input', r.randn(2, 3, 2, 2)), A('running_mean', r.randn(3), False), A('running_var', r.uniform(3, lo=0.5, hi=2.0), False),
                                                       A('weight', r.randn(3)), None], {'use_input_stats': False}, fn=F.instance_norm)
    g.err('instance_norm', 'one-spatial-element', lambda r: [A('input', r.randn(2, 3, 1))], fn=F.instance_norm)
    return g.cases
