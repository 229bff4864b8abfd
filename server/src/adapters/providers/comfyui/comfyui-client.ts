import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ProviderHttp, parseJsonBody, providerMessage } from '../http/provider-http';
import { readAnswer } from '../http/provider-answer';
import { ProviderError } from '../provider-error';
import type { ComfyGraph } from './comfy-workflow';

const PROVIDER = 'comfyui';

export interface ComfyUiClientOptions {
  /** ComfyUI's address, e.g. `http://127.0.0.1:8188` (a path prefix behind a proxy is kept). */
  url: string;
  /** Sent as `Authorization: Bearer` for a reverse proxy in front of ComfyUI (ComfyUI itself has no auth). */
  apiKey?: string;
  /** One call's time limit for the JSON routes and uploads, in ms (default 30 s). */
  timeoutMs?: number;
  /** One download's time limit on `/view`, in ms (default 120 s: a video on a slow link). */
  downloadTimeoutMs?: number;
  /** Attempts after the first on 429, 5xx, timeouts and dropped connections (default 3). */
  retries?: number;
  /** Injected in tests: the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A file a node saved: what `/view` takes. */
export interface ComfyFile {
  filename: string;
  subfolder: string;
  type: string;
}

/** Where a prompt is: queued, on the GPU, settled (its history entry), or unknown to ComfyUI. */
export type PromptState =
  | { state: 'pending' }
  | { state: 'running' }
  | { state: 'done'; entry: HistoryEntry }
  | { state: 'unknown' };

const FileRef = z.object({ filename: z.string().min(1), subfolder: z.string().default(''), type: z.string().default('output') }).loose();

const Message = z.tuple([z.string(), z.unknown()]).rest(z.unknown());
const HistoryEntrySchema = z.object({
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  status: z.object({
    status_str: z.string().optional(),
    completed: z.boolean().optional(),
    messages: z.array(Message).default([]),
  }).loose().optional(),
}).loose();
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

const History = z.record(z.string(), HistoryEntrySchema);
/** Queue items are `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
const QueueItem = z.array(z.unknown()).min(2);
const Queue = z.object({ queue_running: z.array(QueueItem).default([]), queue_pending: z.array(QueueItem).default([]) }).loose();
const Queued = z.object({ prompt_id: z.string().min(1), number: z.number().optional(), node_errors: z.unknown().optional() }).loose();
const Refusal = z.object({
  error: z.union([z.string(), z.object({ type: z.string().optional(), message: z.string().optional(), details: z.string().optional() }).loose()]).optional(),
  node_errors: z.record(z.string(), z.object({
    class_type: z.string().optional(),
    errors: z.array(z.object({ message: z.string().optional(), details: z.string().optional() }).loose()).default([]),
  }).loose()).optional(),
}).loose();
const Uploaded = z.object({ name: z.string().min(1), subfolder: z.string().default(''), type: z.string().optional() }).loose();

/**
 * ComfyUI's HTTP routes (provider-apis.md section 7; ComfyUI `server.py`), over ProviderHttp:
 * `POST /prompt`, `GET /history/{id}`, `GET /queue`, `GET /view`, `POST /upload/image`. Every
 * answer is checked with zod; a wrong one is a retryable ProviderError saying what was wrong.
 */
export class ComfyUiClient {
  private readonly http: ProviderHttp;
  private readonly clientId = randomUUID();
  private readonly retries: number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly downloadTimeoutMs: number;

  constructor(opts: ComfyUiClientOptions) {
    this.http = new ProviderHttp({
      provider: PROVIDER,
      baseUrl: opts.url,
      headers: opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : undefined,
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: opts.retries ?? 3,
      sleep: opts.sleep,
      random: opts.random,
    });
    this.retries = opts.retries ?? 3;
    this.wait = opts.sleep ?? ((ms) => sleep(ms));
    this.random = opts.random ?? Math.random;
    this.downloadTimeoutMs = opts.downloadTimeoutMs ?? 120_000;
  }

  /**
   * Queues a graph under a prompt id we choose (newer ComfyUI honours a client `prompt_id`; an
   * older one makes its own, and the id it answers is the one returned). ComfyUI does not
   * deduplicate ids, so before sending again after a failed attempt (a timeout may hide a prompt
   * that was queued) we ask `/queue` and `/history` whether the id is there, and stop if it is:
   * one GPU run per submit. A 400 (validation: a missing model, a bad value) is a non-retryable
   * ProviderError quoting ComfyUI's message and each failing node; `what` names the workflow.
   */
  async queuePrompt(graph: ComfyGraph, what: string): Promise<string> {
    const promptId = randomUUID();
    const body = { prompt: graph, client_id: this.clientId, prompt_id: promptId };
    for (let attempt = 0; ; attempt++) {
      let failure: ProviderError;
      try {
        const res = await this.http.request({ method: 'POST', path: 'prompt', json: body, retry: false, answerStatuses: [400] });
        if (res.status === 400) throw refusal(res.body, what);
        return readAnswer(PROVIDER, Queued, parseJsonBody(PROVIDER, res.body, 'POST /prompt'), 'POST /prompt').prompt_id;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        failure = err;
      }
      if (!failure.retryable || attempt >= this.retries) throw failure;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 30_000) throw failure;
      await this.wait(failure.retryAfterMs ?? Math.round(this.random() * Math.min(8_000, 500 * 2 ** attempt)));
      if ((await this.state(promptId).catch(() => ({ state: 'unknown' as const }))).state !== 'unknown') return promptId;
    }
  }

  /**
   * The prompt's state: its history entry once settled, else where it is in the queue. The history
   * is read again after a queue that does not hold it, since a prompt that finished between the two
   * reads is in neither of the first answers.
   */
  async state(promptId: string): Promise<PromptState> {
    const entry = await this.history(promptId);
    if (entry) return { state: 'done', entry };
    const queue = readAnswer(PROVIDER, Queue, await this.http.json({ path: 'queue' }), 'GET /queue');
    const holds = (items: unknown[][]) => items.some((item) => item[1] === promptId);
    if (holds(queue.queue_running)) return { state: 'running' };
    if (holds(queue.queue_pending)) return { state: 'pending' };
    const late = await this.history(promptId);
    return late ? { state: 'done', entry: late } : { state: 'unknown' };
  }

  /** The prompt's history entry, or null while it has none (`{}` until it has run). */
  async history(promptId: string): Promise<HistoryEntry | null> {
    const history = readAnswer(PROVIDER, History, await this.http.json({ path: `history/${encodeURIComponent(promptId)}` }), 'GET /history/{prompt_id}');
    return history[promptId] ?? null;
  }

  /** A saved file's bytes and content type (`GET /view?filename=&subfolder=&type=`). */
  async view(file: ComfyFile): Promise<{ bytes: Buffer; contentType: string }> {
    const res = await this.http.request({
      path: 'view',
      query: { filename: file.filename, subfolder: file.subfolder, type: file.type },
      timeoutMs: this.downloadTimeoutMs,
    });
    if (res.body.length === 0) throw new ProviderError(`${PROVIDER} answered GET /view with an empty file for ${file.filename}`, true, PROVIDER);
    return { bytes: res.body, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  /**
   * Uploads a PNG into ComfyUI's input folder (`POST /upload/image`, multipart `image`, `type`,
   * `overwrite`) and returns the name a LoadImage node takes. The file is named by its content
   * hash, so sending it again (a retry, a resubmit) replaces it with the same bytes.
   */
  async uploadImage(png: Buffer): Promise<string> {
    const name = `mediaforge-${createHash('sha256').update(png).digest('hex').slice(0, 32)}.png`;
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), name);
    form.append('type', 'input');
    form.append('overwrite', 'true');
    const answer = readAnswer(PROVIDER, Uploaded, await this.http.json({ method: 'POST', path: 'upload/image', body: form }), 'POST /upload/image');
    return answer.subfolder ? `${answer.subfolder}/${answer.name}` : answer.name;
  }
}

/** The files a node's output lists: `images` (SaveImage, SaveVideo, SaveWEBM, SaveAnimatedWEBP), `gifs` (VHS_VideoCombine), `videos`. */
export function outputFiles(output: Record<string, unknown>): ComfyFile[] {
  const files: ComfyFile[] = [];
  for (const key of ['images', 'gifs', 'videos', 'video']) {
    const list = output[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const f = FileRef.safeParse(item);
      if (f.success) files.push({ filename: f.data.filename, subfolder: f.data.subfolder, type: f.data.type });
    }
  }
  return files;
}

/** ComfyUI's 400: `{error: {type, message, details}, node_errors: {id: {class_type, errors: [{message, details}]}}}`. */
function refusal(body: Buffer, what: string): ProviderError {
  let text = providerMessage(body);
  try {
    const parsed = Refusal.safeParse(JSON.parse(body.toString('utf8')));
    if (parsed.success) {
      const err = parsed.data.error;
      const head = typeof err === 'string' ? err : [err?.message, err?.details].filter(Boolean).join(': ');
      const nodes = Object.entries(parsed.data.node_errors ?? {}).map(([id, n]) =>
        `node ${id}${n.class_type ? ` (${n.class_type})` : ''}: ${n.errors.map((e) => [e.message, e.details].filter(Boolean).join(': ')).join('; ')}`);
      text = [head || text, ...nodes].join('; ');
    }
  } catch {
    // Not JSON: the quoted body stands.
  }
  const clipped = text.length > 600 ? `${text.slice(0, 600)}…` : text;
  return new ProviderError(`${PROVIDER} refused the workflow ${what}: ${clipped}`, false, PROVIDER, { status: 400 });
}
