"""End-to-end training: training/<id>.json, a small torch.nn.Sequential trained full-batch for a few steps.

Each file is one run: the model layer by layer with its initial weights, a
fixed data set, a loss, an optimizer, the loss before every step, the
parameters (and buffers) after the last step and the loss of a fresh forward
then. PyTorch runs the same procedure twice, in float64 (the stored values)
and in float32 from the same float32-exact start; the stored tolerance is the
first rung of common.TOLERANCE_LADDER the float32 run meets against the
float64 one over every stored value, so it is what float32 arithmetic (every
Tensile device) can reach, not a guess. Runs are short (10 to 15 steps) and
well conditioned, so float32 rounding does not grow past it.

Only layers, losses and optimizers the conformance training runner builds
from their golden options are used: Linear, Conv1d, Flatten, LayerNorm,
BatchNorm1d and the activations; no Dropout (random).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn

from .common import GeneratorError, Rng, dumps, enc, enc_value, encode_float, header, reachable_tolerance

DESCRIPTION = (
    "Full-batch training, stored values computed in float64 from float32-exact inputs. Build torch.nn.Sequential from "
    "'model.layers' (each entry: the torch.nn class in 'type', its constructor options in camelCase as in layers/*.json, and "
    "its parameters and buffers under their state_dict names, e.g. Linear's weight [out, in] and bias [out], BatchNorm1d's "
    "running_mean, running_var, num_batches_tracked); the module stays in train mode. Build the loss "
    "torch.nn.<loss.loss>(loss.options) (options as in losses/*.json, a tensor option is {\"tensor\": T}) and the optimizer "
    "torch.optim.<optimizer.optimizer>(model.parameters(), optimizer.options) (options as in optim/*.json). For k in "
    "0..steps-1: zero the gradients, forward data.input, compute the loss against data.target, record it "
    "(lossBeforeStep[k]), backward, optimizer.step(). Then the model's state_dict must equal finalParams (parameters and "
    "buffers), and one more forward (under no_grad, still train mode) must give finalLoss. gradsAtFirstStep holds each "
    "parameter's gradient at step 0, for debugging."
)

NOTES = [
    'one training run per file; the file is a header plus the run (no cases list)',
    'tolerance: the first rung of (1e-4, 1e-5), (3e-4, 3e-5), (1e-3, 1e-4), (3e-3, 3e-4), (1e-2, 1e-3) that the same run in PyTorch float32 meets against float64 on every stored value (losses, final parameters and buffers, step-0 gradients)',
    'initial weights are drawn like PyTorch\'s default init (uniform in +-1/sqrt(fan_in)) from a generator seeded by the run id; data come from a fixed random "teacher" so the loss goes down',
]


# --- model description --------------------------------------------------------------


@dataclass
class Layer:
    type: str
    options: dict = field(default_factory=dict)


def L(type_: str, **options: Any) -> Layer:
    return Layer(type_, options)


SNAKE = {'inFeatures': 'in_features', 'outFeatures': 'out_features', 'normalizedShape': 'normalized_shape', 'elementwiseAffine': 'elementwise_affine',
         'numFeatures': 'num_features', 'negativeSlope': 'negative_slope', 'inChannels': 'in_channels', 'outChannels': 'out_channels',
         'kernelSize': 'kernel_size', 'startDim': 'start_dim', 'endDim': 'end_dim', 'trackRunningStats': 'track_running_stats'}


def torch_layer(l: Layer, dtype: torch.dtype) -> nn.Module:
    cls = getattr(nn, l.type)
    kwargs = {SNAKE.get(k, k): v for k, v in l.options.items()}
    m = cls(**kwargs)
    return m.to(dtype)


def init_state(layers: list[Layer], rng: Rng) -> dict[str, torch.Tensor]:
    """Float32-exact initial parameters and buffers, by state_dict name."""
    model = nn.Sequential(*[torch_layer(l, torch.float32) for l in layers])
    state: dict[str, torch.Tensor] = {}
    for i, (l, m) in enumerate(zip(layers, model)):
        sd = m.state_dict()
        for name, t in sd.items():
            key = f'{i}.{name}'
            if name == 'num_batches_tracked':
                state[key] = torch.zeros((), dtype=torch.int64)
            elif name == 'running_mean':
                state[key] = torch.zeros_like(t)
            elif name == 'running_var':
                state[key] = torch.ones_like(t)
            elif l.type in ('LayerNorm', 'BatchNorm1d'):
                # affine parameters near (1, 0) but not exactly, so mistakes in their gradients show
                state[key] = (1.0 if name == 'weight' else 0.0) + rng.uniform(*t.shape, lo=-0.2, hi=0.2)
            else:
                w = sd['weight'] if 'weight' in sd else t
                fan_in = w[0].numel() if w.dim() > 1 else w.numel()
                bound = 1.0 / math.sqrt(fan_in)
                state[key] = rng.uniform(*t.shape, lo=-bound, hi=bound)
    return state


def layer_json(l: Layer, i: int, state: dict[str, torch.Tensor]) -> dict:
    out: dict = {'type': l.type}
    out.update(enc_value(l.options))
    for k, t in state.items():
        idx, name = k.split('.', 1)
        if int(idx) == i:
            out[name] = enc(t)
    return out


# --- one run ------------------------------------------------------------------------------


@dataclass
class Run:
    id: str
    layers: list[Layer]
    data: Callable[[Rng], tuple[torch.Tensor, torch.Tensor]]
    loss: str
    loss_options: dict
    optimizer: str
    optimizer_options: dict
    steps: int = 12
    note: str | None = None


def convert(v: Any, dtype: torch.dtype) -> Any:
    return v.to(dtype) if isinstance(v, torch.Tensor) and v.dtype.is_floating_point else v


LOSS_SNAKE = {'labelSmoothing': 'label_smoothing', 'posWeight': 'pos_weight', 'ignoreIndex': 'ignore_index'}
OPT_SNAKE = {'weightDecay': 'weight_decay', 'lrDecay': 'lr_decay', 'initialAccumulatorValue': 'initial_accumulator_value'}


def train(run: Run, state: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, dtype: torch.dtype) -> dict:
    model = nn.Sequential(*[torch_layer(l, dtype) for l in run.layers])
    model.load_state_dict({k: convert(v, dtype) for k, v in state.items()})
    model.train()
    loss_fn = getattr(nn, run.loss)(**{LOSS_SNAKE.get(k, k): convert(v, dtype) for k, v in run.loss_options.items()})
    opts = {OPT_SNAKE.get(k, k): (tuple(v) if isinstance(v, list) else v) for k, v in run.optimizer_options.items()}
    opt = getattr(torch.optim, run.optimizer)(model.parameters(), **opts)
    xin = x.to(dtype)
    target = convert(y, dtype)
    losses = []
    grads = {}
    for k in range(run.steps):
        opt.zero_grad()
        loss = loss_fn(model(xin), target)
        losses.append(loss.item())
        loss.backward()
        if k == 0:
            grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
        opt.step()
    final_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        final_loss = loss_fn(model(xin), target).item()
    return {'losses': losses, 'final_loss': final_loss, 'state': final_state, 'grads': grads}


def encode_option(v: Any) -> Any:
    if isinstance(v, torch.Tensor):
        return {'tensor': enc(v)}
    return enc_value(v)


def build_run(run: Run) -> dict:
    rng = Rng(f'training:{run.id}')
    state = init_state(run.layers, rng)
    x, y = run.data(rng)
    ref = train(run, state, x, y, torch.float64)
    f32 = train(run, state, x, y, torch.float32)
    for a, b in zip(ref['losses'], f32['losses']):
        if not (math.isfinite(a) and math.isfinite(b)):
            raise GeneratorError(f'{run.id}: non-finite loss')
    if not ref['losses'][-1] < ref['losses'][0]:
        raise GeneratorError(f'{run.id}: the loss does not go down ({ref["losses"][0]} -> {ref["losses"][-1]})')
    pairs = [(torch.tensor(ref['losses'] + [ref['final_loss']], dtype=torch.float64), torch.tensor(f32['losses'] + [f32['final_loss']], dtype=torch.float64))]
    for k, v in ref['state'].items():
        if v.dtype.is_floating_point:
            pairs.append((v, f32['state'][k]))
        elif not torch.equal(v, f32['state'][k]):
            raise GeneratorError(f'{run.id}: integer buffer {k} differs')
    for k, v in ref['grads'].items():
        pairs.append((v, f32['grads'][k]))
    rtol, atol = reachable_tolerance(pairs)
    body = {
        'id': run.id,
        'description': DESCRIPTION,
        'model': {'type': 'Sequential', 'layers': [layer_json(l, i, state) for i, l in enumerate(run.layers)]},
        'data': {'input': enc(x), 'target': enc(y)},
        'loss': {'loss': run.loss, 'options': {k: encode_option(v) for k, v in run.loss_options.items()}},
        'optimizer': {'optimizer': run.optimizer, 'options': enc_value(run.optimizer_options)},
        'steps': run.steps,
        'lossBeforeStep': [encode_float(v) for v in ref['losses']],
        'finalLoss': encode_float(ref['final_loss']),
        'finalParams': {k: enc(v) for k, v in ref['state'].items()},
        'gradsAtFirstStep': {k: enc(v) for k, v in ref['grads'].items()},
        'rtol': rtol,
        'atol': atol,
    }
    if run.note:
        body['note'] = run.note
    return body


# --- data sets ------------------------------------------------------------------------------


def classes(n: int, features: int, k: int, scale: float = 1.0) -> Callable[[Rng], tuple[torch.Tensor, torch.Tensor]]:
    """Points labelled by a random linear teacher (argmax of x @ W + b): separable, so training makes progress."""
    def make(rng: Rng):
        x = rng.randn(n, features, scale=scale)
        w = rng.randn(features, k)
        b = rng.randn(k, scale=0.3)
        y = torch.argmax(x.double() @ w.double() + b.double(), dim=1)
        return x, y
    return make


def regression(n: int, features: int, outputs: int) -> Callable[[Rng], tuple[torch.Tensor, torch.Tensor]]:
    """y = sin(x @ W) + 0.1 noise, rounded to float32."""
    def make(rng: Rng):
        x = rng.randn(n, features)
        w = rng.randn(features, outputs, scale=0.8)
        y = (torch.sin(x.double() @ w.double()) + 0.1 * rng.randn(n, outputs).double()).float()
        return x, y
    return make


def binary(n: int, features: int, outputs: int = 1) -> Callable[[Rng], tuple[torch.Tensor, torch.Tensor]]:
    """0/1 float targets from a random linear teacher (multi-label when outputs > 1)."""
    def make(rng: Rng):
        x = rng.randn(n, features)
        w = rng.randn(features, outputs)
        y = ((x.double() @ w.double()) > 0.2).float()
        return x, y
    return make


def sequences(n: int, channels: int, length: int, k: int) -> Callable[[Rng], tuple[torch.Tensor, torch.Tensor]]:
    """(N, C, L) signals labelled by a random linear teacher on the flattened signal."""
    def make(rng: Rng):
        x = rng.randn(n, channels, length)
        w = rng.randn(channels * length, k)
        y = torch.argmax(x.reshape(n, -1).double() @ w.double(), dim=1)
        return x, y
    return make


def T(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32)


RUNS = [
    Run('mlp_classifier_sgd_momentum', [L('Linear', inFeatures=4, outFeatures=12), L('ReLU'), L('Linear', inFeatures=12, outFeatures=3)],
        classes(16, 4, 3), 'CrossEntropyLoss', {}, 'SGD', {'lr': 0.1, 'momentum': 0.9},
        note='the classic: MLP classifier, cross entropy, SGD with momentum'),
    Run('mlp_regressor_adam', [L('Linear', inFeatures=3, outFeatures=10), L('Tanh'), L('Linear', inFeatures=10, outFeatures=6), L('ReLU'), L('Linear', inFeatures=6, outFeatures=2)],
        regression(16, 3, 2), 'MSELoss', {}, 'Adam', {'lr': 0.02},
        note='three Linear layers, two outputs, MSE and Adam'),
    Run('binary_gelu_adamw', [L('Linear', inFeatures=5, outFeatures=8), L('GELU'), L('Linear', inFeatures=8, outFeatures=1)],
        binary(16, 5), 'BCEWithLogitsLoss', {'posWeight': T([1.5])}, 'AdamW', {'lr': 0.02, 'weightDecay': 0.1},
        note='binary classifier: BCEWithLogitsLoss with posWeight, AdamW decoupled weight decay'),
    Run('layernorm_silu_rmsprop_centered', [L('Linear', inFeatures=6, outFeatures=8), L('LayerNorm', normalizedShape=8), L('SiLU'), L('Linear', inFeatures=8, outFeatures=4)],
        classes(16, 6, 4), 'CrossEntropyLoss', {'labelSmoothing': 0.1}, 'RMSprop', {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.5, 'centered': True},
        note='LayerNorm weight and bias train too; label smoothing; centered RMSprop with momentum'),
    Run('sigmoid_huber_adagrad', [L('Linear', inFeatures=4, outFeatures=6), L('Sigmoid'), L('Linear', inFeatures=6, outFeatures=3)],
        regression(16, 4, 3), 'HuberLoss', {'delta': 0.5}, 'Adagrad', {'lr': 0.1, 'lrDecay': 0.01, 'weightDecay': 0.001},
        note='Huber loss with delta 0.5 (both branches are hit), Adagrad with lr decay and weight decay'),
    Run('elu_softplus_nesterov_weighted_ce', [L('Linear', inFeatures=4, outFeatures=8), L('ELU'), L('Linear', inFeatures=8, outFeatures=8), L('Softplus'), L('Linear', inFeatures=8, outFeatures=3)],
        classes(16, 4, 3), 'CrossEntropyLoss', {'weight': T([0.5, 1.0, 2.0])}, 'SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.001},
        note='class-weighted cross entropy (the mean divides by the summed weights), Nesterov momentum with weight decay'),
    Run('batchnorm_classifier_sgd', [L('Linear', inFeatures=4, outFeatures=8), L('BatchNorm1d', numFeatures=8), L('ReLU'), L('Linear', inFeatures=8, outFeatures=3)],
        classes(16, 4, 3, scale=2.0), 'CrossEntropyLoss', {}, 'SGD', {'lr': 0.1, 'momentum': 0.5, 'dampening': 0.1},
        note='BatchNorm1d in train mode: batch statistics in the forward, running_mean / running_var / num_batches_tracked updated every step (finalParams has them after the last step, before the final forward)'),
    Run('logsoftmax_nll_adam_amsgrad', [L('Linear', inFeatures=4, outFeatures=8), L('Tanh'), L('Linear', inFeatures=8, outFeatures=4), L('LogSoftmax', dim=1)],
        classes(16, 4, 4), 'NLLLoss', {}, 'Adam', {'lr': 0.01, 'betas': [0.8, 0.95], 'weightDecay': 0.01, 'amsgrad': True},
        note='LogSoftmax then NLLLoss (the pair CrossEntropyLoss fuses); Adam with amsgrad, betas and L2 weight decay'),
    Run('leakyrelu_smoothl1_rmsprop', [L('Linear', inFeatures=3, outFeatures=8), L('LeakyReLU', negativeSlope=0.1), L('Linear', inFeatures=8, outFeatures=1)],
        regression(16, 3, 1), 'SmoothL1Loss', {'beta': 0.5}, 'RMSprop', {'lr': 0.01},
        note='LeakyReLU with a slope, SmoothL1 with beta 0.5, plain RMSprop'),
    Run('multilabel_mish_bce_sum_sgd', [L('Linear', inFeatures=6, outFeatures=8), L('Mish'), L('Linear', inFeatures=8, outFeatures=3)],
        binary(16, 6, 3), 'BCEWithLogitsLoss', {'reduction': 'sum'}, 'SGD', {'lr': 0.01},
        note='three independent binary labels, summed BCE, plain SGD'),
    Run('conv1d_flatten_adamw_amsgrad', [L('Conv1d', inChannels=2, outChannels=3, kernelSize=3), L('ReLU'), L('Flatten'), L('Linear', inFeatures=12, outFeatures=2)],
        sequences(8, 2, 6, 2), 'CrossEntropyLoss', {}, 'AdamW', {'lr': 0.01, 'betas': [0.9, 0.99], 'weightDecay': 0.05, 'amsgrad': True},
        note='Conv1d over (N, C, L) signals, Flatten, Linear: the convolution weight [out, in, k] trains'),
    Run('gelu_tanh_layernorm_mse_sum_adagrad', [L('Linear', inFeatures=4, outFeatures=6), L('GELU', approximate='tanh'), L('LayerNorm', normalizedShape=[6], eps=1e-3), L('Linear', inFeatures=6, outFeatures=2)],
        regression(12, 4, 2), 'MSELoss', {'reduction': 'sum'}, 'Adagrad', {'lr': 0.05, 'initialAccumulatorValue': 0.1},
        note='tanh-approximated GELU, LayerNorm with eps 1e-3, summed MSE, Adagrad with an initial accumulator'),
    Run('hardtanh_identity_l1_sgd_dampening', [L('Linear', inFeatures=4, outFeatures=8), L('Hardtanh', minVal=-0.5, maxVal=0.5), L('Identity'), L('Linear', inFeatures=8, outFeatures=2)],
        regression(16, 4, 2), 'L1Loss', {}, 'SGD', {'lr': 0.05, 'momentum': 0.8, 'dampening': 0.5, 'weightDecay': 0.01},
        note='Hardtanh (zero gradient outside its bounds), L1 loss, SGD momentum with dampening and weight decay'),
]

SNAKE.update({'minVal': 'min_val', 'maxVal': 'max_val'})


def write_run(path, obj: dict) -> None:
    """One top-level key a line: readable, diff-friendly, and the same bytes every run."""
    lines = ['{']
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        lines.append(f' {dumps(k)}: {dumps(v)}{"," if i < len(items) - 1 else ""}')
    lines.append('}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')


def generate(folder) -> int:
    seen = set()
    for run in RUNS:
        if run.id in seen:
            raise GeneratorError(f'duplicate training id {run.id}')
        seen.add(run.id)
        body = build_run(run)
        write_run(folder / f'{run.id}.json', {**header('training', run.id, NOTES), **body})
    # The character-level GPTs (gpt.py) write their weights beside their runs.
    from . import gpt
    runs = gpt.generate(folder)
    for run_id, body in runs.items():
        write_run(folder / f'{run_id}.json', body)
    return len(RUNS) + len(runs)
