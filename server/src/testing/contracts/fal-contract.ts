import type { KeyObject } from 'node:crypto';
import { parseFalModel } from '../../adapters/providers/fal/fal-model';
import type { ContractResponse, ContractServer } from '../contract-server';
import type { ModelOutputFiles } from '../hosted-outputs';
import { falWebhookHeaders, startCdn, startWithControls, type Cdn, type ContractControls, type ContractOptions } from './contract-kit';

/** A request in fal's queue: its model, status, and (once COMPLETED) the result call's answer. */
export interface FalQueued {
  model: string;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  input: any;
  result?: ContractResponse;
  webhook?: string;
}

export interface FalContract {
  server: ContractServer;
  /** fal's CDN (v3.fal.media): another host. */
  cdn: Cdn;
  controls: ContractControls;
  requests: Map<string, FalQueued>;
  /** Sets fields of a request (by our prediction id `request_id|model` or fal's request id); COMPLETED sends the signed webhook (when a sink is set). */
  settle(predictionId: string, fields: Partial<FalQueued>): FalQueued;
  /** Completes a request with a real output of its kind on the CDN. */
  succeed(predictionId: string): FalQueued;
  close(): Promise<void>;
}

export interface FalContractOptions extends ContractOptions {
  files?: ModelOutputFiles;
  /** Signs the webhooks (falTestKeys); without it, webhooks are not sent. */
  webhookKey?: KeyObject;
}

/** What a model makes, by its input as our adapters map it: stable-audio's `seconds_total`, a video's `duration`. */
function kindOf(q: FalQueued): 'image' | 'video' | 'audio' {
  if ('seconds_total' in (q.input ?? {}) || /audio|music/.test(q.model)) return 'audio';
  return 'duration' in (q.input ?? {}) ? 'video' : 'image';
}

/**
 * fal's queue as provider-apis.md section 2 documents it: submit to the model id (`?fal_webhook=`),
 * status and result under the model's root (asked at another path: 404, as on fal). A request is
 * IN_QUEUE until the test settles it or `settleAfterMs` passes; COMPLETED sends the webhook
 * `{request_id, gateway_request_id, status: "OK", payload}` signed with Ed25519 (`webhookKey`).
 */
export async function startFalContract(opts: FalContractOptions = {}): Promise<FalContract> {
  const requests = new Map<string, FalQueued>();
  const cdn = await startCdn();
  let n = 0;
  let contract!: FalContract;
  const base = await startWithControls(opts, (status) => ({ detail: status === 429 ? 'Too many requests' : 'Internal Server Error' }), (req) => {
    const path = req.url.pathname.slice(1);
    const read = /^(.+)\/requests\/([^/]+)(\/status)?$/.exec(path);
    if (req.method === 'GET' && read) {
      const [, root, id, status] = read;
      const q = requests.get(id!);
      if (!q || parseFalModel(q.model).root !== root) return { status: 404, body: { detail: 'Request not found' } };
      if (status) return { body: { status: q.status, request_id: id } };
      return q.status === 'COMPLETED' ? q.result! : { status: 400, body: { detail: 'Request is still in progress' } };
    }
    if (req.method === 'POST') {
      const id = `req-${++n}-0b1c`;
      requests.set(id, { model: path, status: 'IN_QUEUE', input: req.json, webhook: req.url.searchParams.get('fal_webhook') ?? undefined });
      const root = parseFalModel(path).root;
      const at = `${base.server.url}/${root}/requests/${id}`;
      contract.controls.schedule(() => contract.succeed(id));
      return { body: { request_id: id, status_url: `${at}/status`, response_url: at, cancel_url: `${at}/cancel` } };
    }
    return { status: 404, body: { detail: 'Not found' } };
  });

  const settle = (predictionId: string, fields: Partial<FalQueued>) => {
    const id = predictionId.split('|')[0]!;
    const q = Object.assign(requests.get(id)!, fields);
    if (fields.status === 'COMPLETED' && q.webhook && opts.webhookKey) {
      const ok = (q.result?.status ?? 200) < 400;
      const body = JSON.stringify({
        request_id: id, gateway_request_id: id, status: ok ? 'OK' : 'ERROR', payload: q.result?.body ?? null,
        ...(ok ? {} : { error: `Invalid status code: ${q.result!.status}` }),
      });
      base.controls.send({ url: q.webhook, headers: falWebhookHeaders(opts.webhookKey, id, body), body });
    }
    return q;
  };
  contract = {
    ...base,
    cdn,
    requests,
    settle,
    succeed(predictionId) {
      const files = opts.files;
      if (!files) throw new Error('startFalContract: no files to succeed with');
      const id = predictionId.split('|')[0]!;
      const q = requests.get(id)!;
      const kind = kindOf(q);
      const body = kind === 'image'
        ? { images: [{ url: cdn.put(`${id}/image.jpg`, files.jpeg), width: 320, height: 192, content_type: 'image/jpeg' }], seed: 1 }
        : kind === 'video'
          ? { video: { url: cdn.put(`${id}/video.mp4`, files.mp4), content_type: 'video/mp4' }, seed: 1 }
          : { audio_file: { url: cdn.put(`${id}/audio.wav`, files.wav), content_type: 'audio/wav' } };
      return settle(id, { status: 'COMPLETED', result: { body } });
    },
    close: async () => {
      await Promise.all([base.close(), cdn.close()]);
    },
  };
  return contract;
}
