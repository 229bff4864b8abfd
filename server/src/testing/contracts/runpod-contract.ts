import sharp from 'sharp';
import type { ContractServer } from '../contract-server';
import { startCdn, startWithControls, type Cdn, type ContractControls, type ContractOptions } from './contract-kit';

/** A job as Runpod keeps it (provider-apis.md section 4, `GET /{endpoint}/status/{id}`), the fields we read. */
export interface RunpodFake {
  id: string;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
  input: any;
  policy?: any;
  output?: unknown;
  error?: unknown;
  delayTime?: number;
  executionTime?: number;
  webhook?: string;
}

export interface RunpodContract {
  server: ContractServer;
  /** Where `{image_url}` outputs are served (a worker's own bucket): another host. */
  cdn: Cdn;
  controls: ContractControls;
  jobs: Map<string, RunpodFake>;
  /** Sets fields of a job. */
  settle(id: string, fields: Partial<RunpodFake>): RunpodFake;
  /** Completes a job as the worker contract says (README.md beside the adapter): the real result, in base64 or at a URL. */
  succeed(id: string, as?: 'base64' | 'url'): Promise<RunpodFake>;
  close(): Promise<void>;
}

export interface RunpodContractOptions extends ContractOptions {
  /** The endpoint id served (default `ep-imageops`); others answer 404. */
  endpoint?: string;
  /** The key `Authorization: Bearer` must carry; unset, any. */
  apiKey?: string;
  /** How auto-settled jobs give their output (default base64). */
  outputAs?: 'base64' | 'url';
  /**
   * The endpoint's handler, as a worker image would run it: a job runs it on its input and ends
   * COMPLETED with what it returns, or FAILED when it throws. Without one, jobs do the image
   * operations (above).
   */
  handler?: (input: any) => Promise<unknown>;
  /** Sends Runpod's webhook (the job's status object, unsigned) to the `/run` request's URL; default: a real POST. */
  deliver?: (url: string, body: string) => Promise<void>;
}

/** What a worker would make of the job's input: the upscaled PNG, or the PNG with an alpha channel. */
async function work(input: { operation: string; image: string; scale?: number }): Promise<Buffer> {
  const image = Buffer.from(input.image.replace(/^data:[^,]*,/, ''), 'base64');
  if (input.operation === 'upscale') {
    const { width, height } = (await sharp(image).metadata());
    return sharp(image).resize(width * (input.scale ?? 2), height * (input.scale ?? 2)).png().toBuffer();
  }
  return sharp(image).ensureAlpha(0.5).png().toBuffer();
}

/**
 * Runpod Serverless as provider-apis.md section 4 documents it, under `/v2/{endpoint}`: `/run`
 * (queues a job, `IN_QUEUE`; over 10 MB answers 400), `/status/{id}` (404 for an unknown job).
 * Jobs settle when the test says, or `settleAfterMs` after the run, through IN_PROGRESS to COMPLETED
 * with the worker's real result. Runpod's webhooks are unsigned and our adapter gives none, so none
 * is sent.
 */
export async function startRunpodContract(opts: RunpodContractOptions = {}): Promise<RunpodContract> {
  const endpoint = opts.endpoint ?? 'ep-imageops';
  const jobs = new Map<string, RunpodFake>();
  const cdn = await startCdn();
  let n = 0;
  let contract!: RunpodContract;
  const base = await startWithControls(opts, (status) => ({ error: status === 429 ? 'rate limit exceeded' : 'internal server error' }), (req) => {
    const path = req.url.pathname;
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return { status: 401, body: 'Unauthorized' };
    const run = /^\/v2\/([^/]+)\/run$/.exec(path);
    if (req.method === 'POST' && run) {
      if (run[1] !== endpoint) return { status: 404, body: { error: 'endpoint not found' } };
      if (req.body.length > 10 * 1024 * 1024) return { status: 400, body: { error: 'payload too large' } };
      if (!req.json?.input) return { status: 400, body: { error: 'input is required' } };
      const job: RunpodFake = { id: `job-${++n}-u1`, status: 'IN_QUEUE', input: req.json.input, policy: req.json.policy, webhook: req.json.webhook };
      jobs.set(job.id, job);
      if (opts.handler) {
        const handler = opts.handler;
        contract.controls.schedule(() => {
          contract.settle(job.id, { status: 'IN_PROGRESS', delayTime: 12 });
          void handler(job.input).then(
            (output) => contract.settle(job.id, { status: 'COMPLETED', output, executionTime: 340 }),
            (err: unknown) => contract.settle(job.id, { status: 'FAILED', error: String((err as Error)?.message ?? err) }),
          ).then(async (ended) => {
            if (!ended.webhook) return;
            const { policy: _policy, ...shown } = ended;
            const body = JSON.stringify(shown);
            await (opts.deliver ?? (async (url, b) => void (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b }))))(ended.webhook, body).catch(() => {});
          });
        });
        return { body: { id: job.id, status: 'IN_QUEUE' } };
      }
      contract.controls.schedule(() => {
        contract.settle(job.id, { status: 'IN_PROGRESS', delayTime: 12 });
        void contract.succeed(job.id, opts.outputAs);
      });
      return { body: { id: job.id, status: 'IN_QUEUE' } };
    }
    const status = /^\/v2\/([^/]+)\/status\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && status && status[1] === endpoint) {
      const job = jobs.get(status[2]!);
      const { input: _input, policy: _policy, ...shown } = job ?? ({} as RunpodFake);
      return job ? { body: shown } : { status: 404, body: { error: 'request does not exist' } };
    }
    return { status: 404, body: { error: 'not found' } };
  });

  const settle = (id: string, fields: Partial<RunpodFake>) => Object.assign(jobs.get(id)!, fields);
  contract = {
    ...base,
    cdn,
    jobs,
    settle,
    async succeed(id, as = 'base64') {
      const png = await work(jobs.get(id)!.input);
      const output = as === 'url' ? { image_url: cdn.put(`${id}.png`, png) } : { image: png.toString('base64') };
      return settle(id, { status: 'COMPLETED', output, executionTime: 340 });
    },
    close: async () => {
      await Promise.all([base.close(), cdn.close()]);
    },
  };
  return contract;
}
