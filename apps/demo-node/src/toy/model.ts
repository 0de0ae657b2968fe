import { nn } from 'tensile';

export const ACTIVATIONS = ['tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A multilayer perceptron: inFeatures -> hidden... -> outFeatures, with `activation` between the Linear layers. */
export function mlp(inFeatures: number, hidden: readonly number[], outFeatures: number, activation: Activation = 'tanh'): nn.Sequential {
  const sizes = [inFeatures, ...hidden, outFeatures];
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) layers.push(activation === 'tanh' ? new nn.Tanh() : new nn.ReLU());
    layers.push(new nn.Linear(sizes[i]!, sizes[i + 1]!));
  }
  return new nn.Sequential(...layers);
}
