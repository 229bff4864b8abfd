/** A provider call that failed; `retryable` tells the engine whether another attempt may succeed. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(message: string, readonly retryable: boolean, readonly provider: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
