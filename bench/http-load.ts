import { Worker } from 'node:worker_threads';

export interface HttpLoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** autocannon against a URL from a worker thread: the client does not steal the server's thread. */
export function httpLoad(opts: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  bodies?: string[];
  /** Bearer tokens, one per body. */
  tokens?: string[];
  connections: number;
  duration?: number;
  amount?: number;
}): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: opts });
    worker.once('message', (r: HttpLoadResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
