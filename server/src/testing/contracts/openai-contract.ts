import { randomBytes } from 'node:crypto';
import type { ContractServer } from '../contract-server';
import type { ModelOutputFiles } from '../hosted-outputs';
import { startWithControls, standardWebhookHeaders, type ContractControls, type ContractOptions } from './contract-kit';
import { chatCompletion, openAIError } from './openai-shapes';

/** A video job as OpenAI keeps it (openai-node `Video`), the fields we change. */
export interface OpenAIVideoFake {
  id: string;
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  prompt: string;
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
}

export interface OpenAIContract {
  server: ContractServer;
  controls: ContractControls;
  videos: Map<string, OpenAIVideoFake>;
  /** Sets fields of a video; completed or failed sends the signed `video.completed|failed` event (when a sink and a webhook URL are set). */
  settle(id: string, fields: Partial<OpenAIVideoFake>): OpenAIVideoFake;
  close(): Promise<void>;
}

export interface OpenAIContractOptions extends ContractOptions {
  files: ModelOutputFiles;
  /** The answer of Chat Completions (default three numbered scene lines). */
  chat?: string;
  /** Where the dashboard would send events (`${PUBLIC_URL}/webhooks/openai`), and its `whsec_` secret. */
  webhook?: { url: string; secret: string };
}

const video = (v: OpenAIVideoFake) => ({
  ...v, object: 'video', model: 'sora-2', progress: v.status === 'completed' ? 100 : v.status === 'in_progress' ? 50 : 0,
  created_at: 1_760_000_000, completed_at: v.status === 'completed' ? 1_760_000_100 : null, expires_at: null, remixed_from_video_id: null,
});

/**
 * The OpenAI API (and compatible servers) under `/v1` as provider-apis.md section 3 documents it:
 * Chat Completions, Moderations, Images (generations and edits, always `b64_json`), and the Videos
 * API (`POST /videos` multipart, `GET /videos/{id}`, `GET /videos/{id}/content`). A video is
 * `queued` until the test settles it or `settleAfterMs` passes; then an event is signed with the
 * dashboard's secret (Standard Webhooks) and sent to `webhook.url` through `controls.webhooks`.
 */
export async function startOpenAIContract(opts: OpenAIContractOptions): Promise<OpenAIContract> {
  const videos = new Map<string, OpenAIVideoFake>();
  let contract!: OpenAIContract;
  const base = await startWithControls(opts, (status) => openAIError(status === 429 ? 'Rate limit reached' : 'The server had an error while processing your request.'), async (req) => {
    const path = req.url.pathname;
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      return { body: chatCompletion(opts.chat ?? '1. A wide shot of the shore at dawn\n2. A close-up of hands holding a shell\n3. A figure walking into the waves') };
    }
    if (req.method === 'POST' && path === '/v1/moderations') {
      return { body: { id: 'modr-1', model: 'omni-moderation-latest', results: [{ flagged: false, categories: { violence: false }, category_scores: { violence: 0.01 }, category_applied_input_types: {} }] } };
    }
    if (req.method === 'POST' && (path === '/v1/images/generations' || path === '/v1/images/edits')) {
      return { body: { created: 1_760_000_000, data: [{ b64_json: opts.files.jpeg.toString('base64'), revised_prompt: null }], output_format: 'jpeg', size: '1024x1536' } };
    }
    if (req.method === 'POST' && path === '/v1/videos') {
      const form = await new Request('http://contract.local/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.body) }).formData();
      const v: OpenAIVideoFake = {
        id: `video_${randomBytes(8).toString('hex')}`, status: 'queued', prompt: String(form.get('prompt')),
        seconds: String(form.get('seconds') ?? '4'), size: String(form.get('size') ?? '720x1280'), error: null,
      };
      videos.set(v.id, v);
      const answer = { body: video({ ...v }) };
      contract.controls.schedule(() => contract.settle(v.id, { status: 'completed' }));
      return answer;
    }
    const get = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(path);
    if (req.method === 'GET' && get) {
      const v = videos.get(get[1]!);
      if (!v) return { status: 404, body: openAIError('Video not found', 'not_found') };
      if (!get[2]) return { body: video(v) };
      return v.status === 'completed' ? { headers: { 'content-type': 'video/mp4' }, body: opts.files.mp4 } : { status: 400, body: openAIError('Video is not ready', 'video_not_ready') };
    }
    return { status: 404, body: openAIError(`Unknown request URL: ${req.method} ${path}`, 'unknown_url') };
  });
  contract = {
    ...base,
    videos,
    settle(id, fields) {
      const v = Object.assign(videos.get(id)!, fields);
      if ((fields.status === 'completed' || fields.status === 'failed') && opts.webhook) {
        const body = JSON.stringify({ id: `evt_${randomBytes(6).toString('hex')}`, object: 'event', type: `video.${fields.status}`, created_at: Math.floor(Date.now() / 1000), data: { id } });
        base.controls.send({ url: opts.webhook.url, headers: standardWebhookHeaders(opts.webhook.secret, body), body });
      }
      return v;
    },
  };
  return contract;
}
