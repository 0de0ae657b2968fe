// CosineSimilarity and PairwiseDistance: thin modules over F.cosineSimilarity / F.pairwiseDistance.
import { checkOptions, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { cosineSimilarity, pairwiseDistance } from '../functional/losses/distance.js';

export interface CosineSimilarityOptions {
  /** The dim compared along (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-8). */
  eps?: number;
}

/** Cosine similarity of x1 and x2 (broadcast together) along dim. */
export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  readonly dim: number;
  readonly eps: number;

  constructor(options?: CosineSimilarityOptions) {
    super();
    const o = checkOptions('CosineSimilarity', options, ['dim', 'eps']);
    this.dim = o.dim ?? 1;
    this.eps = o.eps ?? 1e-8;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, eps=${this.eps}`;
  }
}

export interface PairwiseDistanceOptions {
  /** The norm's exponent (default 2). */
  p?: number;
  /** Added to x1 - x2 before the norm (default 1e-6). */
  eps?: number;
  /** Keep the last dim, as size 1 (default false). */
  keepdim?: boolean;
}

/** ||x1 - x2 + eps||_p over the last dim. */
export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  readonly p: number;
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(options?: PairwiseDistanceOptions) {
    super();
    const o = checkOptions('PairwiseDistance', options, ['p', 'eps', 'keepdim']);
    this.p = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.keepdim = o.keepdim ?? false;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.p, this.eps, this.keepdim);
  }

  override extraRepr(): string {
    return `p=${this.p}, eps=${this.eps}, keepdim=${this.keepdim}`;
  }
}
