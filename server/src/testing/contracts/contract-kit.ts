import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { falSignedMessage } from '../../core/webhooks/fal-webhooks';
import { signStandardWebhook, standardWebhookKey } from '../../core/webhooks/standard-webhooks';
import { startContractServer, type ContractRequest, type ContractResponse, type ContractServer } from '../contract-server';

/**
 * What the provider contract servers of this folder share: injected faults (500s, 429s), predictions
 * that settle by themselves after a delay, a CDN for outputs on another host, and signed webhooks
 * handed to a sink (the test posts them to the app with `app.request`).
 */

/** A webhook as the provider would send it: the full URL it was given, signed headers, the raw body. */
export interface WebhookDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Where a contract sends its webhooks; unset, none is sent (a webhook that never comes). */
export type WebhookSink = (delivery: WebhookDelivery) => unknown;

/** Options every contract server takes. */
export interface ContractOptions {
  /** Answers a request first when it returns something (a test's own case). */
  override?: (req: ContractRequest) => ContractResponse | undefined;
  /**
   * A new prediction settles (succeeds with a real output) this many ms after it was created; 0:
   * the first read after the create sees it settled. Default null: only when the test settles it.
   */
  settleAfterMs?: number | null;
}

/** A fault injected into a provider's API (never into its CDN). */
export interface Fault {
  status: number;
  /** Sent as `Retry-After` (seconds) with the fault. */
  retryAfterSec?: number;
  /** How many requests get the fault before the API answers normally again. Default every one. */
  times?: number;
  /** Only requests whose path matches (default all). */
  path?: RegExp;
}

/** Faults, the auto-settle timers and the webhook sink of one contract server. */
export class ContractControls {
  private fault: (Fault & { left: number }) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  settleAfterMs: number | null;
  webhooks?: WebhookSink;
  /** Deliveries sent to the sink, in order. */
  readonly sent: WebhookDelivery[] = [];

  constructor(opts: ContractOptions) {
    this.settleAfterMs = opts.settleAfterMs ?? null;
  }

  /** Answer the API with `fault.status` (a 500, a 429 with Retry-After...). */
  failWith(fault: Fault) {
    this.fault = { ...fault, left: fault.times ?? Infinity };
  }

  heal() {
    this.fault = null;
  }

  /** The injected fault's answer for `req`, if any; `body` is the provider's error body for it. */
  faultFor(req: ContractRequest, body: (status: number) => unknown): ContractResponse | undefined {
    const f = this.fault;
    if (!f || f.left <= 0 || (f.path && !f.path.test(req.url.pathname))) return undefined;
    f.left--;
    return { status: f.status, body: body(f.status), headers: f.retryAfterSec !== undefined ? { 'retry-after': String(f.retryAfterSec) } : {} };
  }

  /** Runs `settle` when the configured delay has passed (at once for 0); not at all when held. */
  schedule(settle: () => void) {
    if (this.settleAfterMs === null) return;
    if (this.settleAfterMs === 0) return settle();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      settle();
    }, this.settleAfterMs);
    this.timers.add(timer);
  }

  /** Hands a delivery to the sink (when there is one); a sink's failure is the test's to see in its job. */
  send(delivery: WebhookDelivery) {
    if (!this.webhooks) return;
    this.sent.push(delivery);
    void Promise.resolve(this.webhooks(delivery)).catch(() => {});
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** A contract server with its controls: what each provider's start function returns the base of. */
export async function startWithControls(
  opts: ContractOptions,
  providerError: (status: number) => unknown,
  handle: (req: ContractRequest) => ContractResponse | Promise<ContractResponse>,
): Promise<{ server: ContractServer; controls: ContractControls; close(): Promise<void> }> {
  const controls = new ContractControls(opts);
  const server = await startContractServer((req) => controls.faultFor(req, providerError) ?? opts.override?.(req) ?? handle(req));
  return { server, controls, close: async () => { controls.stop(); await server.close(); } };
}

/** A provider's CDN (replicate.delivery, v3.fal.media): another host, files that can expire (410). */
export interface Cdn {
  server: ContractServer;
  url(name: string): string;
  /** Serves `bytes` at `name` from now on. */
  put(name: string, bytes: Buffer): string;
  expire(name: string): void;
  close(): Promise<void>;
}

export async function startCdn(files: Record<string, Buffer> = {}): Promise<Cdn> {
  const all = new Map(Object.entries(files));
  const gone = new Set<string>();
  const server = await startContractServer((req) => {
    const name = decodeURIComponent(req.url.pathname.slice(1));
    if (gone.has(name)) return { status: 410, body: 'Gone' };
    const bytes = all.get(name);
    return bytes ? { body: bytes } : { status: 404, body: 'Not Found' };
  });
  const url = (name: string) => `${server.url}/${encodeURIComponent(name)}`;
  return {
    server, url,
    put: (name, bytes) => {
      all.set(name, bytes);
      return url(name);
    },
    expire: (name) => void gone.add(name),
    close: () => server.close(),
  };
}

/** A fresh Standard Webhooks secret (`whsec_` + base64 of 32 random bytes). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Standard Webhooks headers (Replicate, OpenAI) for `body`, signed with `secret` (or a forged signature). */
export function standardWebhookHeaders(secret: string, body: string, opts: { id?: string; atMs?: number } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const ts = Math.floor((opts.atMs ?? Date.now()) / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id, 'webhook-timestamp': String(ts),
    'webhook-signature': signStandardWebhook(standardWebhookKey(secret), id, ts, Buffer.from(body)),
  };
}

/** fal's Ed25519 signing key for tests, and its key set as FAL_WEBHOOK_JWKS takes it. */
export interface FalTestKeys {
  privateKey: KeyObject;
  /** `{"keys": [<OKP Ed25519 JWK>]}`, the value of FAL_WEBHOOK_JWKS. */
  jwks: string;
}

export function falTestKeys(): FalTestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, jwks: JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] }) };
}

/** fal's webhook headers (docs.fal.ai "Webhooks": request id, user id, timestamp, hex Ed25519 signature). */
export function falWebhookHeaders(privateKey: KeyObject, requestId: string, body: string, atMs = Date.now()): Record<string, string> {
  const ts = Math.floor(atMs / 1000);
  const message = falSignedMessage({ requestId, userId: 'fal-user-1', timestamp: ts }, Buffer.from(body));
  return {
    'content-type': 'application/json',
    'x-fal-webhook-request-id': requestId,
    'x-fal-webhook-user-id': 'fal-user-1',
    'x-fal-webhook-timestamp': String(ts),
    'x-fal-webhook-signature': sign(null, message, privateKey).toString('hex'),
  };
}
