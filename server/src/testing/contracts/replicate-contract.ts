import type { ContractServer } from '../contract-server';
import type { ModelOutputFiles } from '../hosted-outputs';
import { startCdn, startWithControls, standardWebhookHeaders, type Cdn, type ContractControls, type ContractOptions } from './contract-kit';

/** A prediction as Replicate keeps it (provider-apis.md section 1, "Prediction object"), the fields we read. */
export interface ReplicateFake {
  id: string;
  /** `owner/name` or the version the create named. */
  model: string;
  status: string;
  input: any;
  output: unknown;
  error: unknown;
  data_removed: boolean;
  webhook?: string;
}

export interface ReplicateContract {
  server: ContractServer;
  /** Where outputs are served (replicate.delivery): another host. */
  cdn: Cdn;
  controls: ContractControls;
  predictions: Map<string, ReplicateFake>;
  /** Sets fields of a prediction; a settled status sends the signed `completed` webhook (when a sink is set). */
  settle(id: string, fields: Partial<ReplicateFake>): ReplicateFake;
  /** Succeeds a prediction with a real output of its kind on the CDN (image JPEG, video MP4, audio WAV). */
  succeed(id: string): ReplicateFake;
  close(): Promise<void>;
}

export interface ReplicateContractOptions extends ContractOptions {
  /** Real outputs to serve; without them only `settle` with the test's own output works. */
  files?: ModelOutputFiles;
  /** The account's webhook signing secret (`GET /v1/webhooks/default/secret`, and the webhooks' key). */
  secret?: string;
}

const SETTLED = new Set(['succeeded', 'failed', 'canceled', 'aborted']);
export const REPLICATE_TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What a model makes, by its input as our adapters map it: musicgen's `model_version`, a video's `duration`. */
function kindOf(p: ReplicateFake): 'image' | 'video' | 'audio' {
  if (/music|audio/.test(p.model) || 'model_version' in (p.input ?? {})) return 'audio';
  return 'duration' in (p.input ?? {}) ? 'video' : 'image';
}

/**
 * Replicate's API as provider-apis.md section 1 documents it, under `/v1`: create by model
 * (`/v1/models/{owner}/{name}/predictions`) or by version (`/v1/predictions`), get, the default
 * webhook secret, file uploads. Predictions start `starting`; they settle when the test says, or
 * after `settleAfterMs`; a settled one sends its `completed` webhook (Standard Webhooks, signed with
 * `secret`) to the URL the create gave, through `controls.webhooks`.
 */
export async function startReplicateContract(opts: ReplicateContractOptions = {}): Promise<ReplicateContract> {
  const secret = opts.secret ?? REPLICATE_TEST_SECRET;
  const predictions = new Map<string, ReplicateFake>();
  const cdn = await startCdn();
  let n = 0;
  // Assigned below: the handler needs succeed, which needs the controls of the server it runs in.
  let contract!: ReplicateContract;
  const base = await startWithControls(opts, (status) => ({ detail: status === 429 ? 'Request was throttled. Your rate limit resets in ~1s.' : 'Internal server error', status }), (req) => {
    const path = req.url.pathname;
    const create = /^\/v1\/(?:models\/([^/]+\/[^/]+)\/)?predictions$/.exec(path);
    if (req.method === 'POST' && create) {
      const p: ReplicateFake = {
        id: `p${++n}xyz`, model: create[1] ?? req.json.version, status: 'starting',
        input: req.json.input, output: null, error: null, data_removed: false, webhook: req.json.webhook,
      };
      predictions.set(p.id, p);
      const answer = { status: 201, body: { ...p } };
      contract.controls.schedule(() => contract.succeed(p.id));
      return answer;
    }
    const get = /^\/v1\/predictions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && get) {
      const p = predictions.get(get[1]!);
      return p ? { body: p } : { status: 404, body: { detail: 'Not found.' } };
    }
    if (req.method === 'GET' && path === '/v1/webhooks/default/secret') return { body: { key: secret } };
    if (req.method === 'POST' && path === '/v1/files') {
      return { status: 201, body: { id: 'f1', content_type: 'image/png', size: req.body.length, urls: { get: 'https://api.replicate.com/v1/files/f1' } } };
    }
    return { status: 404, body: { detail: 'The requested resource could not be found.' } };
  });

  const settle = (id: string, fields: Partial<ReplicateFake>) => {
    const p = Object.assign(predictions.get(id)!, fields);
    if (fields.status && SETTLED.has(fields.status) && p.webhook) {
      const body = JSON.stringify(p);
      base.controls.send({ url: p.webhook, headers: standardWebhookHeaders(secret, body), body });
    }
    return p;
  };
  contract = {
    ...base,
    cdn,
    predictions,
    settle,
    succeed(id) {
      const files = opts.files;
      if (!files) throw new Error('startReplicateContract: no files to succeed with');
      const p = predictions.get(id)!;
      const kind = kindOf(p);
      const url = kind === 'image' ? cdn.put(`${id}/out-0.jpg`, files.jpeg) : kind === 'video' ? cdn.put(`${id}/video.mp4`, files.mp4) : cdn.put(`${id}/music.wav`, files.wav);
      // An image model answers a list of files; video and music models one file.
      return settle(id, { status: 'succeeded', output: kind === 'image' ? [url] : url });
    },
    close: async () => {
      await Promise.all([base.close(), cdn.close()]);
    },
  };
  return contract;
}
