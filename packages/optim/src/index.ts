export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type ParamStateValue,
  type SchedulerGroupFields,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { sgdStep_, sgdStepComposed, type SGDStepOptions } from './sgd-step.js';
export { Adam, type AdamOptions } from './adam.js';
export { adamStep_, adamStepComposed, type AdamStepOptions, type AdamStepKernelOptions } from './adam-step.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { rmspropStep_, rmspropStepComposed, type RMSpropStepOptions } from './rmsprop-step.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { ASGD, type ASGDOptions } from './asgd.js';
export { Rprop, type RpropOptions } from './rprop.js';
export { LBFGS, type LBFGSOptions, type LBFGSClosure } from './lbfgs.js';
/** torch.optim.lr_scheduler. */
export * as lrScheduler from './lr-scheduler/index.js';
export {
  saveCheckpoint,
  saveCheckpointSync,
  loadCheckpoint,
  saveCheckpointFile,
  loadCheckpointFile,
  toTorchName,
  fromTorchName,
  CHECKPOINT_KEY,
  CHECKPOINT_VERSION,
  type CheckpointParts,
  type LoadCheckpointOptions,
} from './checkpoint.js';
