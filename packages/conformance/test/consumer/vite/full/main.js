// Every export of `tensile` kept (the namespace escapes to window), and a few SGD steps of a Linear model.
import * as tensile from 'tensile';

const { getBackend, manualSeed, nn, optim, randn } = tensile;
window.tensile = tensile;
async function main() {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
  const lossFunction = new nn.MSELoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05 });
  const x = randn([32, 4]);
  const y = x.sum(1, true);
  const losses = [];
  for (let step = 0; step < 20; step++) {
    optimizer.zeroGrad();
    const loss = lossFunction(model(x), y);
    loss.backward();
    optimizer.step();
    losses.push(await loss.item());
  }
  return { backend: getBackend(), exports: Object.keys(tensile).length, losses };
}
main().then(
  (r) => {
    window.result = r;
    document.body.textContent = `loss ${r.losses[0]} -> ${r.losses.at(-1)}`;
  },
  (e) => {
    window.result = { error: String(e) };
    console.error(e);
  },
);
