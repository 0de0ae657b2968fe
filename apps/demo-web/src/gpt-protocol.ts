// The messages between the tiny-GPT page and its worker (gpt-worker.ts).

export interface GptRequest {
  epochs: number;
  stepsPerEpoch: number;
  seed: number;
  /** A backend to train on instead of the best one the worker can start (the test asks for wasm: WebGPU on a software adapter takes seconds a step). */
  backend?: 'webgpu' | 'wasm' | 'cpu';
}

export type GptMessage =
  | { type: 'backend'; name: string; reasons: Record<string, string> }
  | { type: 'step'; step: number; loss: number }
  | { type: 'epoch'; epoch: number; loss: number; sample: string }
  | { type: 'done' }
  | { type: 'error'; message: string };
