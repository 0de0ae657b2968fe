// The pieces the command-line demo and the web page share: toy data, the model, and losses fitted to a classifier.
export { makeToyData, TOY_DATA_SETS, type ToyData, type ToyDataSet, type ToyOptions } from './data.js';
export { mlp, ACTIVATIONS, type Activation } from './model.js';
export { classifierLoss, CLASSIFIER_LOSS_NAMES, LOSS_CLASSES, LOSS_NAMES, notForClassifiers, type ClassifierLoss, type LossName } from './losses.js';
