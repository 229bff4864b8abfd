/** How a step failure is handled: retried (with backoff) or fatal to the job. */
export class RetryableStepError extends Error {
  override readonly name = 'RetryableStepError';
  constructor(message: string, readonly code = 'STEP_RETRYABLE', options?: ErrorOptions) {
    super(message, options);
  }
}

export class FatalStepError extends Error {
  override readonly name = 'FatalStepError';
  constructor(message: string, readonly code = 'STEP_FAILED', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Thrown inside a step when its job was cancelled or its lease taken over: stop without writing. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** (attempt - 1));
}
