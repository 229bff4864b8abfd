// A load generator on its own thread, so the server under test keeps the main thread to itself.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, method = 'GET', headers = {}, bodies, tokens, connections, duration, amount } = workerData;
let next = 0;
const raw = await autocannon({
  url,
  connections,
  ...(amount ? { amount } : { duration }),
  requests: [
    {
      method,
      headers,
      // Each request takes the next body (a fresh draft to confirm) and its owner's token, when given.
      setupRequest: (req) => {
        if (!bodies) return req;
        const i = next++ % bodies.length;
        return { ...req, body: bodies[i], headers: { ...req.headers, ...(tokens ? { authorization: `Bearer ${tokens[i]}` } : {}) } };
      },
    },
  ],
});
// Off the main thread autocannon returns encoded histograms; aggregate them into the usual result.
const result = raw.latency ? raw : autocannon.aggregateResult([raw], { url, connections });
parentPort.postMessage({
  rps: result.requests.total / result.duration,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
});
