import type { Tensor } from '@tensile/core';
import type { SizeArg } from '../functional/conv.js';
import { fold, type FoldOptions, unfold } from '../functional/fold.js';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

const KEYS = ['dilation', 'padding', 'stride'];

/** Extracts sliding local blocks (PyTorch's nn.Unfold): `new Unfold(3, {padding: 1})` or `new Unfold({kernelSize: 3, padding: 1})`. */
export class Unfold extends Module<[Tensor], Tensor> {
  readonly kernelSize: SizeArg;
  readonly options: FoldOptions;
  constructor(...args: [SizeArg, FoldOptions?] | [FoldOptions & { kernelSize: SizeArg }]) {
    super();
    const { kernelSize, ...rest } = layerArgs<FoldOptions & { kernelSize: SizeArg }>('Unfold', args, ['kernelSize'], KEYS);
    this.kernelSize = kernelSize;
    this.options = rest;
  }
  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.options);
  }
}

/** Sums sliding local blocks back into a tensor (PyTorch's nn.Fold): `new Fold([4, 5], 2)` or `new Fold({outputSize: [4, 5], kernelSize: 2})`. */
export class Fold extends Module<[Tensor], Tensor> {
  readonly outputSize: SizeArg;
  readonly kernelSize: SizeArg;
  readonly options: FoldOptions;
  constructor(...args: [SizeArg, SizeArg, FoldOptions?] | [FoldOptions & { outputSize: SizeArg; kernelSize: SizeArg }]) {
    super();
    const { outputSize, kernelSize, ...rest } = layerArgs<FoldOptions & { outputSize: SizeArg; kernelSize: SizeArg }>('Fold', args, ['outputSize', 'kernelSize'], KEYS);
    this.outputSize = outputSize;
    this.kernelSize = kernelSize;
    this.options = rest;
  }
  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.options);
  }
}
