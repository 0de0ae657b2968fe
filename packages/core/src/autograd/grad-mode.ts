let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withMode<R>(on: boolean, fn: () => R): R {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` without recording operations for autograd (PyTorch's `torch.no_grad()`). Synchronous. */
export function noGrad<R>(fn: () => R): R {
  return withMode(false, fn);
}

/** Runs `fn` with autograd recording, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<R>(fn: () => R): R {
  return withMode(true, fn);
}
