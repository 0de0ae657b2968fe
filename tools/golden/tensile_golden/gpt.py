"""Character-level GPTs trained for 50 steps: training/gpt_char_sdpa.json and training/gpt_char_encoder_layer.json, each with its weights (<id>.safetensors).

The model is the one people write in PyTorch (nanoGPT's shape): token and
position embeddings, pre-norm blocks of causal self-attention and a GELU MLP,
a final LayerNorm, an lm head tied to the token embedding; AdamW with weight
decay on the matrices only (two parameter groups), gradient clipping, dropout
0. Tensile's version is packages/conformance/src/models/gpt.ts. PyTorch 1.13 has no
F.scaled_dot_product_attention, so attention here is softmax(q kᵀ / sqrt(d) +
causal mask) v, which is SDPA's definition with isCausal.

The text (data/gpt_text.txt) is written for the project and ships in the
file; the batches are windows of it at offsets drawn from a generator seeded
by the run id. The initial weights are drawn by the generator too (nanoGPT's
init: N(0, 0.02), the residual projections N(0, 0.02 / sqrt(2 n_layer)); biases
and LayerNorm affine parameters drawn near their defaults so their gradients
matter), float32, and saved as the model's state_dict in safetensors (the tied
head.weight and tokens.weight are both there, equal, as state_dict has them).
The stored losses are PyTorch's in float64 from those float32 weights; the
same run in float32 sets the tolerance (the ladder below, which starts at 1e-5
here since a float32 run meets it).

The second run, gpt_char_encoder_layer, is the same model built as PyTorch
users also write it: each block an nn.TransformerEncoderLayer (norm_first,
GELU, dim_feedforward 4 n_embd, dropout 0, batch_first) called with the causal
mask nn.Transformer.generate_square_subsequent_mask(T). Its text, batches and
initial weights are the first run's (the same generator draws, the weights
renamed to the layer's state_dict names: attn.qkv -> self_attn.in_proj_*,
attn.proj -> self_attn.out_proj, mlp.fc -> linear1, mlp.proj -> linear2), so
the two models are one function, and the generator checks that their float64
losses agree. Training with grads on keeps torch 1.13's fast path off
(TransformerEncoderLayer.forward takes it only in eval mode without grads).
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from .common import GeneratorError, Rng, _close, enc, encode_float, header
from .interop import serialize

TEXT = Path(__file__).resolve().parent / 'data' / 'gpt_text.txt'

ID = 'gpt_char_sdpa'
ENCODER_ID = 'gpt_char_encoder_layer'
IDS = (ID, ENCODER_ID)
CONFIG = {'vocabSize': 0, 'blockSize': 16, 'nEmbd': 32, 'nHead': 2, 'nLayer': 2}
BATCH = 4
STEPS = 50
LR = 3e-3
BETAS = (0.9, 0.95)
WEIGHT_DECAY = 0.1
MAX_NORM = 1.5
LADDER = [(1e-5, 0.0), (3e-5, 0.0), (1e-4, 0.0)]

DESCRIPTION = (
    "A character-level GPT (Tensile: @tensile/conformance's models/gpt.ts; PyTorch: tools/golden/tensile_golden/gpt.py), built from "
    "'model.options' (vocabSize, blockSize, nEmbd, nHead, nLayer) and 'model.block' (sdpa: models/gpt.ts's Block, causal self-attention "
    "through scaled dot-product attention; TransformerEncoderLayer: nn.TransformerEncoderLayer(nEmbd, nHead, dimFeedforward 4 nEmbd, "
    "dropout 0, activation gelu, batchFirst, normFirst) called with srcMask Transformer.generateSquareSubsequentMask(T)), with the state_dict in the safetensors file 'model.weights' beside this "
    "file (head.weight is tied to tokens.weight). data.text is the text, data.vocab its sorted characters (token i is vocab[i]); "
    "data.input[k] and data.target[k] ([batch, blockSize], int32) are the windows of the encoded text at data.offsets[k] and one "
    "character later. The optimizer is torch.optim.AdamW(optimizer.options) over two groups: the parameters of 2 or more dimensions "
    "with optimizer.decayWeightDecay, the others with weight decay 0, each group in named_parameters order (a tied parameter once). "
    "For k in 0..steps-1: zero the gradients, loss = cross_entropy(model(input[k]) viewed [-1, vocabSize], target[k] flat), record "
    "it (lossBeforeStep[k]), backward, clip_grad_norm_(parameters, clipGradNorm.maxNorm, clipGradNorm.normType) (its result is "
    "gradNormBeforeClip[k], for debugging), optimizer.step(). Stored values are PyTorch's in float64 from the float32 weights."
)

NOTES = [
    'one training run per file; the file is a header plus the run (no cases list)',
    'gpt_char_encoder_layer has gpt_char_sdpa\'s text, batches and initial weights (renamed); the two float64 runs agree to 1e-9',
    'tolerance: the first of rtol 1e-5, 3e-5, 1e-4 (atol 0) that the same run in PyTorch float32 meets against float64 on every loss and gradient norm',
    'weights in <id>.safetensors (F32, the state_dict of the model, written as the reference safetensors writer lays files out)',
]


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd: int, n_head: int, block_size: int):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        self.register_buffer('mask', torch.tril(torch.ones(block_size, block_size, dtype=torch.bool)), persistent=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        # F.scaled_dot_product_attention(q, k, v, is_causal=True) in PyTorch 2.x
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(~self.mask[:T, :T], float('-inf'))
        y = F.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, n_embd: int):
        super().__init__()
        self.fc = nn.Linear(n_embd, 4 * n_embd)
        self.proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int, block_size: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.norm2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size: int, block_size: int, n_embd: int, n_head: int, n_layer: int):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, n_embd)
        self.positions = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)])
        self.norm = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.tokens.weight  # weight tying

    def forward(self, idx):
        B, T = idx.shape
        x = self.tokens(idx) + self.positions(torch.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


class EncoderLayerGPT(nn.Module):
    """The same GPT with each block an nn.TransformerEncoderLayer and the causal mask of nn.Transformer."""

    def __init__(self, vocab_size: int, block_size: int, n_embd: int, n_head: int, n_layer: int):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, n_embd)
        self.positions = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([
            nn.TransformerEncoderLayer(n_embd, n_head, dim_feedforward=4 * n_embd, dropout=0.0, activation='gelu',
                                       batch_first=True, norm_first=True)
            for _ in range(n_layer)])
        self.norm = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.head.weight = self.tokens.weight  # weight tying

    def forward(self, idx):
        B, T = idx.shape
        x = self.tokens(idx) + self.positions(torch.arange(T))
        mask = nn.Transformer.generate_square_subsequent_mask(T).to(x.dtype)
        for block in self.blocks:
            x = block(x, src_mask=mask)
        return self.head(self.norm(x))


# The sdpa Block's state_dict names -> TransformerEncoderLayer's.
RENAME = [('.attn.qkv.weight', '.self_attn.in_proj_weight'), ('.attn.qkv.bias', '.self_attn.in_proj_bias'),
          ('.attn.proj.', '.self_attn.out_proj.'), ('.mlp.fc.', '.linear1.'), ('.mlp.proj.', '.linear2.')]


def encoder_layer_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for k, v in state.items():
        for a, b in RENAME:
            if a in k:
                k = k.replace(a, b)
                break
        out[k] = v
    want = set(EncoderLayerGPT(*[CONFIG[n] for n in ('vocabSize', 'blockSize', 'nEmbd', 'nHead', 'nLayer')]).state_dict())
    if set(out) != want:
        raise GeneratorError(f'{ENCODER_ID}: renamed state_dict {sorted(set(out) ^ want)} differs from the layer\'s')
    return out


def build(dtype: torch.dtype, block: str = 'sdpa') -> nn.Module:
    c = CONFIG
    cls = GPT if block == 'sdpa' else EncoderLayerGPT
    return cls(c['vocabSize'], c['blockSize'], c['nEmbd'], c['nHead'], c['nLayer']).to(dtype)


def initial_state(rng: Rng) -> dict[str, torch.Tensor]:
    """nanoGPT's init, drawn from the run's generator, float32."""
    model = build(torch.float32)
    n_layer = CONFIG['nLayer']
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.Linear, nn.Embedding)) and not name == 'head':
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith('.proj') else 0.02
                m.weight.copy_(rng.randn(*m.weight.shape, scale=std))
                if isinstance(m, nn.Linear) and m.bias is not None:
                    m.bias.copy_(rng.randn(*m.bias.shape, scale=0.02))
            elif isinstance(m, nn.LayerNorm):
                m.weight.copy_(rng.randn(*m.weight.shape, scale=0.1, shift=1.0))
                m.bias.copy_(rng.randn(*m.bias.shape, scale=0.1))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def train(state: dict[str, torch.Tensor], xs: torch.Tensor, ys: torch.Tensor, dtype: torch.dtype, block: str = 'sdpa') -> tuple[list[float], list[float]]:
    model = build(dtype, block)
    model.load_state_dict({k: v.to(dtype) for k, v in state.items()})
    model.train()
    named = list(model.named_parameters())
    groups = [{'params': [p for _, p in named if p.dim() >= 2], 'weight_decay': WEIGHT_DECAY},
              {'params': [p for _, p in named if p.dim() < 2], 'weight_decay': 0.0}]
    opt = torch.optim.AdamW(groups, lr=LR, betas=BETAS)
    V = CONFIG['vocabSize']
    losses, norms = [], []
    for k in range(STEPS):
        opt.zero_grad(set_to_none=True)
        logits = model(xs[k])
        loss = F.cross_entropy(logits.view(-1, V), ys[k].reshape(-1))
        losses.append(loss.item())
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM, 2.0)))
        opt.step()
    return losses, norms


def generate(folder) -> dict[str, dict]:
    """Both runs, by id; their weights are written into folder."""
    text = TEXT.read_text(encoding='utf-8')
    vocab = ''.join(sorted(set(text)))
    CONFIG['vocabSize'] = len(vocab)
    encoded = torch.tensor([vocab.index(ch) for ch in text], dtype=torch.int64)
    rng = Rng(f'training:{ID}')
    state = initial_state(rng)
    T = CONFIG['blockSize']
    offsets = rng.randint(0, len(text) - T - 1, STEPS, BATCH)
    xs = torch.stack([torch.stack([encoded[o:o + T] for o in row.tolist()]) for row in offsets])
    ys = torch.stack([torch.stack([encoded[o + 1:o + T + 1] for o in row.tolist()]) for row in offsets])
    runs = {}
    sdpa_ref = None
    for run_id, block, weights_of in ((ID, 'sdpa', state), (ENCODER_ID, 'TransformerEncoderLayer', encoder_layer_state(state))):
        ref, ref_norms = train(weights_of, xs, ys, torch.float64, block)
        f32, f32_norms = train(weights_of, xs, ys, torch.float32, block)
        if not all(math.isfinite(v) for v in ref + f32):
            raise GeneratorError(f'{run_id}: non-finite loss')
        if not ref[-1] < ref[0] - 0.5:
            raise GeneratorError(f'{run_id}: the loss does not go down enough ({ref[0]} -> {ref[-1]})')
        clipped = sum(1 for n in ref_norms if n > MAX_NORM)
        if not 5 <= clipped <= STEPS - 5:
            raise GeneratorError(f'{run_id}: clipping should act on some steps and not others, it acts on {clipped} of {STEPS}')
        if sdpa_ref is None:
            sdpa_ref = (ref, ref_norms)
        elif not (_close(torch.tensor(sdpa_ref[0], dtype=torch.float64), torch.tensor(ref, dtype=torch.float64), 1e-9, 0.0)
                  and _close(torch.tensor(sdpa_ref[1], dtype=torch.float64), torch.tensor(ref_norms, dtype=torch.float64), 1e-9, 0.0)):
            raise GeneratorError(f'{run_id}: the encoder-layer GPT should be the sdpa GPT (same weights, same function), its float64 losses differ')
        pairs = [(torch.tensor(ref, dtype=torch.float64), torch.tensor(f32, dtype=torch.float64)),
                 (torch.tensor(ref_norms, dtype=torch.float64), torch.tensor(f32_norms, dtype=torch.float64))]
        for rtol, atol in LADDER:
            if all(_close(r, g, rtol, atol) for r, g in pairs):
                break
        else:
            raise GeneratorError(f'{run_id}: float32 PyTorch misses every tolerance of {LADDER}')
        folder.mkdir(parents=True, exist_ok=True)
        weights = f'{run_id}.safetensors'
        (folder / weights).write_bytes(serialize(weights_of, {'format': 'pt'}))
        body = {
            'id': run_id,
            'description': DESCRIPTION,
            'model': {'type': 'GPT', 'block': block, 'options': dict(CONFIG), 'weights': weights, 'tied': {'head.weight': 'tokens.weight'}},
            'data': {'text': text, 'vocab': vocab, 'offsets': enc(offsets), 'input': enc(xs), 'target': enc(ys)},
            'loss': {'loss': 'CrossEntropyLoss', 'options': {}},
            'optimizer': {'optimizer': 'AdamW', 'options': {'lr': LR, 'betas': list(BETAS), 'weightDecay': 0.0}, 'decayWeightDecay': WEIGHT_DECAY},
            'clipGradNorm': {'maxNorm': MAX_NORM, 'normType': 2},
            'steps': STEPS,
            'lossBeforeStep': [encode_float(v) for v in ref],
            'gradNormBeforeClip': [encode_float(v) for v in ref_norms],
            'rtol': rtol,
            'atol': atol,
            'note': f'clipping acts on {clipped} of {STEPS} steps; PyTorch float32 meets rtol {rtol}',
        }
        runs[run_id] = {**header('training', run_id, NOTES), **body}
    return runs
