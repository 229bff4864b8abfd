/** A provider call that failed; `retryable` tells the engine whether another attempt may succeed. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** The provider's HTTP status, when it answered. */
  readonly status?: number;
  /** How long the provider asked us to wait (429 `Retry-After`), in ms. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly provider: string,
    options?: { cause?: unknown; status?: number; retryAfterMs?: number },
  ) {
    super(message, options);
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}
