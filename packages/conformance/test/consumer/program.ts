// A small strict program over every published package, type-checked against the
// packed .d.ts (skipLibCheck false, no @types/node). Type assertions below fail
// the check when a model call or a package's export loses its type.
import { tensor, randn, nn, optim, F, ready, getBackend, type Tensor } from 'tensile';
import { type Tensor as CoreTensor, zeros } from '@tensile/core';
import { Sequential, Linear, ReLU, MSELoss, Module, type functional } from '@tensile/nn';
import { SGD, LBFGS, lrScheduler } from '@tensile/optim';
import { cpuBackend } from '@tensile/backend-cpu';
import { wasmBackend } from '@tensile/backend-wasm';
import { webgpuBackend } from '@tensile/backend-webgpu';
import { nativeBackend, nativeInfo, BUILD_COMMAND } from '@tensile/backend-native';
import { readGolden, PACKAGED_GOLDEN } from '@tensile/conformance';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
const x = randn([16, 4]);
const y: Tensor = model(x);
assertType<Equal<typeof y, CoreTensor>>(true);
assertType<Equal<ReturnType<Sequential['forward']>, Tensor>>(true);
const umbrella = new nn.Sequential(new nn.Linear(4, 1));
assertType<Equal<ReturnType<typeof umbrella>, Tensor>>(true);

class Net extends Module<[Tensor], Tensor> {
  fc = new Linear(4, 1);
  forward(input: Tensor): Tensor {
    return F.relu(this.fc(input));
  }
}
const net = new Net();
assertType<Equal<ReturnType<typeof net>, Tensor>>(true);

const lossFunction = new MSELoss({ reduction: 'mean' });
const reduction: functional.Reduction = 'sum';
const loss = lossFunction(y, zeros([16, 1]));
assertType<Equal<typeof loss, Tensor>>(true);
const opt = new SGD(model.parameters(), { lr: 0.1 });
const sched = new lrScheduler.StepLR(opt, { stepSize: 1 });
const stepped: Tensor | undefined = opt.step(() => loss);
const lbfgs = new LBFGS(net.parameters());
const later: Promise<Tensor | number> = lbfgs.step(() => loss);
using t = tensor([1, 2, 3]);

export const used = [reduction, sched, stepped, later, t, optim, ready, getBackend, cpuBackend, wasmBackend, webgpuBackend, nativeBackend, nativeInfo, BUILD_COMMAND, readGolden, PACKAGED_GOLDEN];
