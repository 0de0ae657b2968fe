// torch.utils.data: datasets, batching, splits.
export { type Dataset, TensorDataset, Subset } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type Collate, defaultCollate, randomSplit } from './loader.js';
