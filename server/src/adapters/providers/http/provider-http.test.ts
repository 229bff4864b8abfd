import { afterEach, describe, expect, it } from 'vitest';
import { startContractServer, type ContractResponse, type ContractServer } from '../../../testing/contract-server';
import { ProviderError } from '../provider-error';
import { ProviderHttp, retryAfterMs } from './provider-http';

let servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A server answering the scripted responses in order (the last one repeats). */
async function scripted(...answers: ContractResponse[]) {
  let i = 0;
  const server = await startContractServer(() => answers[Math.min(i++, answers.length - 1)]!);
  servers.push(server);
  return server;
}

function client(url: string, waits: number[] = [], extra: Partial<ConstructorParameters<typeof ProviderHttp>[0]> = {}) {
  return new ProviderHttp({
    provider: 'acme', baseUrl: `${url}/v1`, headers: { authorization: 'Bearer sk-secret-key' },
    sleep: async (ms) => void waits.push(ms), random: () => 0.5, timeoutMs: 2_000, ...extra,
  });
}

describe('ProviderHttp', () => {
  it('sends JSON with the credentials to the provider and reads JSON back', async () => {
    const server = await scripted({ body: { id: 'p1' } });
    const out = await client(server.url).json<{ id: string }>({ method: 'POST', path: 'predictions', json: { a: 1 }, query: { wait: 1 } });
    expect(out).toEqual({ id: 'p1' });
    const [req] = server.requests;
    expect(req!.url.pathname).toBe('/v1/predictions');
    expect(req!.url.searchParams.get('wait')).toBe('1');
    expect(req!.headers.authorization).toBe('Bearer sk-secret-key');
    expect(req!.json).toEqual({ a: 1 });
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const server = await scripted({ status: 429, headers: { 'retry-after': '2' }, body: { detail: 'Request was throttled.' } }, { body: { ok: true } });
    const waits: number[] = [];
    expect(await client(server.url, waits).json({ path: 'x' })).toEqual({ ok: true });
    expect(waits).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off with jitter on 5xx and gives up after the retries, retryable, quoting the provider', async () => {
    const server = await scripted({ status: 503, body: { error: { message: 'overloaded' } } });
    const waits: number[] = [];
    const err = await client(server.url, waits, { retries: 2 }).json({ path: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 503, provider: 'acme' });
    expect((err as Error).message).toContain('overloaded');
    expect(waits).toEqual([250, 500]);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry another 4xx, and the error is not retryable', async () => {
    const server = await scripted({ status: 422, body: { detail: [{ msg: 'prompt is required' }] } });
    const err = await client(server.url).json({ method: 'POST', path: 'x', json: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, status: 422 });
    expect((err as Error).message).toContain('prompt is required');
    expect(server.requests).toHaveLength(1);
  });

  it('answers a listed error status as a response, for a body the caller reads itself', async () => {
    const server = await scripted({ status: 400, body: { error: { message: 'invalid prompt' }, node_errors: { 4: {} } } });
    const res = await client(server.url).request({ method: 'POST', path: 'prompt', json: {}, answerStatuses: [400] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ node_errors: { 4: {} } });
    expect(server.requests).toHaveLength(1);
  });

  it('stops a slow answer at the time limit, retryably', async () => {
    const server = await scripted({ delayMs: 500, body: {} });
    const err = await client(server.url, [], { timeoutMs: 100, retries: 1 }).json({ path: 'slow' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/did not answer .* within 100 ms/);
    expect(server.requests).toHaveLength(2);
  });

  it('treats malformed JSON in a success as a retryable failure', async () => {
    const server = await scripted({ body: '{"id": "p1",' });
    const err = await client(server.url).json({ path: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toContain('malformed JSON');
  });

  it('fails retryably at once when Retry-After asks for longer than it will wait', async () => {
    const server = await scripted({ status: 429, headers: { 'retry-after': '600' }, body: {} });
    const waits: number[] = [];
    const err = await client(server.url, waits).json({ path: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 600_000 });
    expect(waits).toEqual([]);
  });

  it('never sends the credentials to another host, nor puts them in an error', async () => {
    const api = await scripted({ status: 401, body: { error: { message: 'bad key' } } });
    const cdn = await scripted({ status: 410, body: 'expired' });
    const http = client(api.url);
    const bytesErr = await http.bytes({ path: `${cdn.url}/file.png` }).catch((e: unknown) => e);
    expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
    expect(bytesErr).toMatchObject({ retryable: false, status: 410 });
    const authErr = await http.json({ path: 'x' }).catch((e: unknown) => e);
    expect(JSON.stringify({ m: (authErr as Error).message, s: (authErr as Error).stack })).not.toContain('sk-secret-key');
  });

  it('refuses an answer over the body limit', async () => {
    const server = await scripted({ body: Buffer.alloc(4096) });
    const err = await client(server.url, [], { maxBodyBytes: 1024 }).bytes({ path: 'big' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), 0)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '3' }), 0)).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 1970 00:00:10 GMT' }), 4000)).toBe(6000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), 0)).toBeUndefined();
    expect(retryAfterMs(new Headers(), 0)).toBeUndefined();
  });
});
