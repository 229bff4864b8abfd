import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../core/ports/clock';
import type { JwksSource } from '../../core/ports/webhook-keys';
import { ed25519KeysOf, readFalHeaders, verifyFalSignature } from '../../core/webhooks/fal-webhooks';
import type { HeaderSource, Verification } from '../../core/webhooks/webhook-rejection';

export interface FalWebhookKeysOptions {
  /** A loaded key set is used this long before it is loaded again (fal: cache at most 24 h). */
  maxAgeMs?: number;
  /** A signature no cached key verifies loads the set again (a rotated key), at most this often. */
  minReloadMs?: number;
}

/**
 * fal's webhook keys, loaded from a JwksSource and cached: at most `maxAgeMs` (24 h), and loaded
 * again once when a signature matches no key (fal may have rotated its keys) unless the last load
 * is under `minReloadMs` (1 min) old, so forged requests cannot make us hammer fal's endpoint.
 */
export class FalWebhookKeys {
  private keys: KeyObject[] | null = null;
  private loadedAt = -Infinity;
  /** When the last load began, whether it succeeded or not: loads are spaced by minReloadMs. */
  private attemptedAt = -Infinity;
  private lastFailure: Error | null = null;
  private loading: Promise<KeyObject[]> | null = null;
  private readonly maxAgeMs: number;
  private readonly minReloadMs: number;

  constructor(private readonly source: JwksSource, private readonly clock: Clock, opts: FalWebhookKeysOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? 24 * 3600_000;
    this.minReloadMs = opts.minReloadMs ?? 60_000;
  }

  /**
   * Verifies one fal delivery on its raw body: headers and timestamp first (no key is loaded for a
   * request refused by them), then the signature against the cached keys, then once more against
   * a fresh load when none matched. Throws only when no usable keys can be had (the route answers
   * 503 and fal retries).
   */
  async verify(headers: HeaderSource, body: Uint8Array): Promise<Verification> {
    const h = readFalHeaders(headers, this.now());
    if (!h.ok) return h;
    const first = verifyFalSignature(h, body, await this.current());
    if (first.ok) return first;
    const reloaded = await this.reloaded();
    return reloaded ? verifyFalSignature(h, body, reloaded) : first;
  }

  /** The cached keys, loaded when there are none or they are older than maxAgeMs. */
  private async current(): Promise<KeyObject[]> {
    if (this.keys && this.now() - this.loadedAt < this.maxAgeMs) return this.keys;
    if (this.loading) return this.loading;
    // A load failed a moment ago: do not ask again for every request that comes meanwhile.
    if (this.now() - this.attemptedAt < this.minReloadMs) {
      throw new Error(`fal's webhook keys could not be loaded: ${this.lastFailure?.message ?? 'unknown error'}`);
    }
    return this.load();
  }

  /** Freshly loaded keys, or null when the last load began too recently to load again. */
  private async reloaded(): Promise<KeyObject[] | null> {
    if (this.loading) return this.loading;
    if (this.now() - this.attemptedAt < this.minReloadMs) return null;
    return this.load();
  }

  /** One load at a time: concurrent deliveries share it. A failed load leaves the cached keys as they were. */
  private load(): Promise<KeyObject[]> {
    if (this.loading) return this.loading;
    this.attemptedAt = this.now();
    const loading = Promise.resolve()
      .then(() => this.source.load())
      .then((jwks) => ed25519KeysOf(jwks))
      .then(
        (keys) => {
          this.keys = keys;
          this.loadedAt = this.now();
          this.lastFailure = null;
          return keys;
        },
        (err: unknown) => {
          this.lastFailure = err instanceof Error ? err : new Error(String(err));
          throw this.lastFailure;
        },
      )
      .finally(() => {
        this.loading = null;
      });
    this.loading = loading;
    return loading;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
