"""ops/recurrent_embedding.json: the functional forms of issue 20's recurrent and embedding group.

F.bilinear, F.embedding_bag and torch.nn.utils.rnn.pad_sequence, as the other op groups (see ops.py).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .ops import A, Group, I, T, nan

pad_sequence = torch.nn.utils.rnn.pad_sequence


def cases() -> list[dict]:
    g = Group('recurrent_embedding')
    # bilinear(input1, input2, weight, bias=None)
    g.val('bilinear', 'basic', lambda r: [A('input1', r.randn(3, 2)), A('input2', r.randn(3, 4)), A('weight', r.randn(5, 2, 4, scale=0.5)), A('bias', r.randn(5))])
    g.val('bilinear', 'no-bias', lambda r: [A('input1', r.randn(2, 3)), A('input2', r.randn(2, 3)), A('weight', r.randn(2, 3, 3, scale=0.5))])
    g.val('bilinear', '1d-inputs', lambda r: [A('input1', r.randn(2)), A('input2', r.randn(3)), A('weight', r.randn(4, 2, 3, scale=0.5)), A('bias', r.randn(4))])
    g.val('bilinear', '3d-inputs', lambda r: [A('input1', r.randn(2, 2, 3)), A('input2', r.randn(2, 2, 1)), A('weight', r.randn(2, 3, 1)), A('bias', r.randn(2))])
    g.val('bilinear', 'empty-batch', lambda r: [A('input1', r.randn(0, 2)), A('input2', r.randn(0, 2)), A('weight', r.randn(3, 2, 2)), A('bias', r.randn(3))])
    g.val('bilinear', 'nan', lambda r: [A('input1', T([[1.0, nan], [0.5, -1.0]])), A('input2', r.randn(2, 2)), A('weight', r.randn(1, 2, 2))], note='a NaN spoils only its own row')
    g.err('bilinear', 'input1-features', lambda r: [A('input1', r.randn(3, 3)), A('input2', r.randn(3, 4)), A('weight', r.randn(5, 2, 4))])
    g.err('bilinear', 'input2-features', lambda r: [A('input1', r.randn(3, 2)), A('input2', r.randn(3, 3)), A('weight', r.randn(5, 2, 4))])
    g.err('bilinear', 'batch-mismatch', lambda r: [A('input1', r.randn(3, 2)), A('input2', r.randn(2, 4)), A('weight', r.randn(5, 2, 4))])
    g.err('bilinear', 'bias-size', lambda r: [A('input1', r.randn(3, 2)), A('input2', r.randn(3, 4)), A('weight', r.randn(5, 2, 4)), A('bias', r.randn(4))])
    g.val('bilinear', 'int', [A('input1', I([[1, 2]])), A('input2', I([[3, -1]])), A('weight', I([[[1, 0], [2, 1]]]))], note='integer inputs and weight: an integer result')
    # F.embedding_bag (torch.embedding_bag is the low-level form, weight first)
    eb = {'fn': F.embedding_bag}
    # embedding_bag(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse, per_sample_weights, include_last_offset, padding_idx)
    idx, off = I([0, 3, 1, 1, 4, 2]), I([0, 2, 2, 5])
    g.val('embedding_bag', 'default-mean', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', off)], note="F's default mode is 'mean'", **eb)
    g.val('embedding_bag', 'sum', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', off)], {'mode': 'sum'}, **eb)
    g.val('embedding_bag', 'max-2d', lambda r: [A('input', I([[0, 3, 1], [4, 4, 2]])), A('weight', r.randn(5, 3))], {'mode': 'max'}, **eb)
    g.val('embedding_bag', 'per-sample-weights', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', off), None, 2.0, False, 'sum', False, A('per_sample_weights', r.randn(6))],
          note='per_sample_weights positionally (a tensor is never a keyword here)', **eb)
    g.val('embedding_bag', 'include-last-offset-padding', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', I([0, 2, 6]))], {'include_last_offset': True, 'padding_idx': 1}, **eb)
    g.err('embedding_bag', 'offsets-start', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', I([1, 2]))], **eb)
    g.err('embedding_bag', 'offsets-past-input', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', I([0, 7]))], **eb)
    g.err('embedding_bag', 'no-offsets', lambda r: [A('input', idx), A('weight', r.randn(5, 3))], **eb)
    g.err('embedding_bag', 'bad-mode', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', off)], {'mode': 'median'}, **eb)
    g.err('embedding_bag', 'per-sample-weights-mean', lambda r: [A('input', idx), A('weight', r.randn(5, 3)), A('offsets', off), None, 2.0, False, 'mean', False, A('per_sample_weights', r.randn(6))], **eb)
    # pad_sequence(sequences, batch_first=False, padding_value=0.0)
    seqs = lambda *lens, rest=(): (lambda r: [A('sequences', [r.randn(n, *rest) for n in lens], True)])
    g.val('pad_sequence', 'default', seqs(3, 1, 2), fn=pad_sequence)
    g.val('pad_sequence', 'batch-first', seqs(2, 4), {'batch_first': True}, fn=pad_sequence)
    g.val('pad_sequence', 'padding-value', seqs(1, 3, 2, rest=(2,)), {'padding_value': -1.5}, fn=pad_sequence)
    g.val('pad_sequence', 'batch-first-3d', seqs(2, 1, rest=(2, 3)), {'batch_first': True, 'padding_value': 0.25}, fn=pad_sequence)
    g.val('pad_sequence', 'equal-lengths', seqs(2, 2), fn=pad_sequence)
    g.val('pad_sequence', 'one-sequence', seqs(3), {'batch_first': True}, fn=pad_sequence)
    g.val('pad_sequence', 'empty-sequence', seqs(0, 2), fn=pad_sequence, note='a length-0 sequence is all padding')
    g.val('pad_sequence', 'int', [A('sequences', [I([1, 2, 3]), I([4])], False)], {'padding_value': 7}, fn=pad_sequence)
    g.err('pad_sequence', 'trailing-mismatch', lambda r: [A('sequences', [r.randn(2, 3), r.randn(1, 2)], True)], fn=pad_sequence)
    g.err('pad_sequence', 'empty-list', [A('sequences', [], False)], fn=pad_sequence)
    return g.cases
