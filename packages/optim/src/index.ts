export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type SchedulerGroupFields,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { adamStep_, adamStepComposed, type AdamStepOptions, type AdamStepKernelOptions } from './adam-step.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
/** torch.optim.lr_scheduler. */
export * as lrScheduler from './lr-scheduler/index.js';
