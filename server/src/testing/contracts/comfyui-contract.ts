import { startContractServer, type ContractRequest, type ContractResponse, type ContractServer } from '../contract-server';
import type { ModelOutputFiles } from '../hosted-outputs';
import { ContractControls, type ContractOptions } from './contract-kit';

export interface ComfyUiContractOptions extends ContractOptions {
  /** Real outputs to save when a prompt settles by itself. */
  files?: ModelOutputFiles;
}

/**
 * A ComfyUI that plays the routes of provider-apis.md section 7: POST /prompt queues (pending),
 * the test moves a prompt to running and to its history entry; GET /history/{id} answers `{}`
 * until then; GET /queue lists `[number, prompt_id, ...]` items; GET /view serves saved files;
 * POST /upload/image keeps the file under the name it was sent with. `override` answers first
 * when it returns something (a 500, a slow answer, malformed JSON...). With `settleAfterMs`, a
 * queued prompt saves a real output (a JPEG from an image graph, an MP4 from a video graph) at its
 * node titled `mf_output` after that delay. ComfyUI sends no webhooks: polling completes its calls.
 */
export class ComfyUiContract {
  server!: ContractServer;
  readonly prompts = new Map<string, { graph: any; where: 'pending' | 'running' | 'done'; entry?: unknown }>();
  readonly files = new Map<string, Buffer>();
  readonly uploads: { name: string; body: Buffer }[] = [];
  override: (req: ContractRequest) => ContractResponse | undefined = () => undefined;
  readonly controls: ContractControls;
  /** Older ComfyUI: ignores the client's prompt_id and makes its own. */
  ownIds = false;
  private n = 0;

  constructor(private readonly opts: ComfyUiContractOptions = {}) {
    this.controls = new ContractControls(opts);
    if (opts.override) this.override = opts.override;
  }

  async start() {
    const error = (status: number) => ({ error: { type: 'server_error', message: `injected ${status}`, details: '', extra_info: {} } });
    this.server = await startContractServer((req) => this.controls.faultFor(req, error) ?? this.override(req) ?? this.handle(req));
    return this;
  }

  async close() {
    this.controls.stop();
    await this.server.close();
  }

  get url() {
    return this.server.url;
  }

  handle(req: ContractRequest): ContractResponse {
    const p = req.url.pathname;
    if (req.method === 'POST' && p === '/prompt') {
      const id = this.ownIds || !req.json.prompt_id ? `server-${++this.n}` : req.json.prompt_id;
      this.prompts.set(id, { graph: req.json.prompt, where: 'pending' });
      this.controls.schedule(() => this.saveOutput(id));
      return { body: { prompt_id: id, number: this.n, node_errors: {} } };
    }
    if (req.method === 'GET' && p.startsWith('/history/')) {
      const id = decodeURIComponent(p.slice('/history/'.length));
      const pr = this.prompts.get(id);
      return { body: pr?.where === 'done' ? { [id]: pr.entry } : {} };
    }
    if (req.method === 'GET' && p === '/queue') {
      const items = (where: string) => [...this.prompts].filter(([, v]) => v.where === where).map(([id, v], i) => [i, id, v.graph, {}, []]);
      return { body: { queue_running: items('running'), queue_pending: items('pending') } };
    }
    if (req.method === 'GET' && p === '/view') {
      const key = `${req.url.searchParams.get('type')}/${req.url.searchParams.get('subfolder')}/${req.url.searchParams.get('filename')}`;
      const bytes = this.files.get(key);
      return bytes ? { body: bytes, headers: { 'content-type': 'application/octet-stream' } } : { status: 404, body: '404: Not Found' };
    }
    if (req.method === 'POST' && p === '/upload/image') {
      const name = /filename="([^"]+)"/.exec(req.body.toString('latin1'))?.[1] ?? 'upload.png';
      this.uploads.push({ name, body: req.body });
      return { body: { name, subfolder: '', type: 'input' } };
    }
    return { status: 404, body: '404: Not Found' };
  }

  /** The only prompt queued so far. */
  get last() {
    const all = [...this.prompts];
    if (all.length === 0) throw new Error('no prompt was queued');
    return { id: all.at(-1)![0], graph: all.at(-1)![1].graph };
  }

  run(id: string) {
    this.prompts.get(id)!.where = 'running';
  }

  /** Settles with a saved file from `node`, under `output.images` (or another key). */
  succeed(id: string, node: string, filename: string, bytes: Buffer, key = 'images', type = 'output') {
    this.files.set(`${type}/mediaforge/${filename}`, bytes);
    const pr = this.prompts.get(id)!;
    pr.where = 'done';
    pr.entry = {
      prompt: [1, id, pr.graph, {}, [node]],
      outputs: { [node]: { [key]: [{ filename, subfolder: 'mediaforge', type }], ...(key === 'images' ? { animated: [false] } : {}) } },
      status: { status_str: 'success', completed: true, messages: [['execution_start', { prompt_id: id }], ['execution_success', { prompt_id: id }]] },
      meta: {},
    };
  }

  /** Saves a real output at the graph's `mf_output` node: a JPEG from SaveImage, else an MP4 (SaveVideo). */
  saveOutput(id: string) {
    const files = this.opts.files;
    if (!files) throw new Error('ComfyUiContract: no files to save');
    const graph = this.prompts.get(id)!.graph as Record<string, { class_type: string; _meta?: { title?: string } }>;
    const [node, def] = Object.entries(graph).find(([, n]) => n._meta?.title?.split(/\s+/).includes('mf_output')) ?? [];
    if (!node || !def) throw new Error('ComfyUiContract: the graph has no mf_output node');
    if (def.class_type === 'SaveImage') this.succeed(id, node, `image_${id.slice(0, 8)}_.jpg`, files.jpeg);
    else this.succeed(id, node, `video_${id.slice(0, 8)}_.mp4`, files.mp4);
  }

  fail(id: string, error: Record<string, unknown>) {
    const pr = this.prompts.get(id)!;
    pr.where = 'done';
    pr.entry = {
      prompt: [1, id, pr.graph, {}, []],
      outputs: {},
      status: { status_str: 'error', completed: false, messages: [['execution_start', { prompt_id: id }], ['execution_error', { prompt_id: id, ...error }]] },
    };
  }

  forget(id: string) {
    this.prompts.delete(id);
  }

  count(method: string, prefix: string) {
    return this.server.requests.filter((r) => r.method === method && r.url.pathname.startsWith(prefix)).length;
  }
}

/** A started ComfyUI contract server. */
export const startComfyUiContract = (opts: ComfyUiContractOptions = {}) => new ComfyUiContract(opts).start();
