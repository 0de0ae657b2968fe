// The smallest useful app: one loss and its gradient (what tree-shaking leaves of `tensile`).
import { tensor, nn } from 'tensile';

const output = tensor(
  [
    [0.2, 0.8],
    [0.6, 0.1],
  ],
  { requiresGrad: true },
);
const target = tensor([
  [0.0, 1.0],
  [1.0, 0.0],
]);
const loss = new nn.MSELoss()(output, target);
loss.backward();
window.result = { loss: loss.itemSync(), grad: output.grad.tolistSync() };
document.body.textContent = `MSELoss ${window.result.loss}`;
