import { createServer, type IncomingHttpHeaders } from 'node:http';

/** One request a contract server received, as the provider would see it. */
export interface ContractRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface ContractResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Answer after this many ms (a slow provider). */
  delayMs?: number;
}

export interface ContractServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: ContractRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server that plays a provider's documented protocol in a test: `handle` answers each
 * request (a thrown error answers 500). No test reaches the internet; each adapter's test starts
 * the contract server of its provider with the cases it needs (429 with Retry-After, 500, a slow
 * answer, malformed JSON, an expired output URL...).
 */
export async function startContractServer(handle: (req: ContractRequest) => ContractResponse | Promise<ContractResponse>): Promise<ContractServer> {
  const requests: ContractRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const request: ContractRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body, json };
    requests.push(request);
    let answer: ContractResponse;
    try {
      answer = await handle(request);
    } catch (err) {
      answer = { status: 500, body: { error: { message: err instanceof Error ? err.message : String(err) } } };
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    const raw = typeof answer.body === 'string' || Buffer.isBuffer(answer.body);
    const payload = answer.body === undefined ? '' : raw ? (answer.body as string | Buffer) : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { ...(raw || answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
