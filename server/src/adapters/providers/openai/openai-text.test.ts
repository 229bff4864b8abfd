import { afterEach, describe, expect, it } from 'vitest';
import { startContractServer, type ContractRequest, type ContractResponse, type ContractServer } from '../../../testing/contract-server';
import { TEST_OPENAI_KEY, chatCompletion, openAIError, tempCopies } from '../../../testing/contracts/openai-shapes';
import { predictionOutput } from '../../../testing/prediction-output';
import { ProviderError } from '../provider-error';
import { OpenAITextProvider, strictSchema, type OpenAITextOptions } from './openai-text';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

/** A contract server for `/v1/chat/completions` answering with `handle`, and a provider on it. */
async function setup(handle: (req: ContractRequest, n: number) => ContractResponse, opts: Partial<OpenAITextOptions> = {}) {
  let n = 0;
  const server: ContractServer = await startContractServer((req) => handle(req, n++));
  const { copies, remove } = tempCopies();
  cleanup.push(() => server.close(), remove);
  const waits: number[] = [];
  const provider = new OpenAITextProvider({
    baseUrl: `${server.url}/v1`, apiKey: TEST_OPENAI_KEY, model: 'gpt-4.1-mini', timeoutMs: 2_000, retries: 2,
    sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...opts,
  }, copies);
  return { server, provider, waits };
}

const schema = {
  type: 'object',
  properties: { title: { type: 'string' }, scenes: { type: 'array', minItems: 1, items: { type: 'string' } }, mood: { enum: ['calm', 'tense'] } },
  required: ['title', 'scenes'],
};
const good = { title: 'Lighthouse', scenes: ['a storm', 'a dawn'], mood: 'calm' };

describe('OpenAITextProvider', () => {
  it('asks Chat Completions with model, messages, seed and temperature, and keeps the answer for get', async () => {
    const { server, provider } = await setup(() => ({ body: chatCompletion('A keeper climbs the stairs.') }), { temperature: 0.7 });
    const { id } = await provider.submit({ system: 'Be brief.', prompt: 'a lighthouse', seed: 42 });
    expect(id).toMatch(/^chatcmpl-abc123\|[0-9a-f]{16}$/);
    expect(await provider.get(id)).toEqual({ id, status: 'succeeded', output: 'A keeper climbs the stairs.' });
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url.pathname).toBe('/v1/chat/completions');
    expect(req!.headers.authorization).toBe(`Bearer ${TEST_OPENAI_KEY}`);
    expect(req!.json).toEqual({
      model: 'gpt-4.1-mini', seed: 42, temperature: 0.7,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'a lighthouse' }],
    });
    // A second submit of the same request is a new prediction, even where the server reuses its id.
    expect((await provider.submit({ prompt: 'a lighthouse', seed: 42 })).id).not.toBe(id);
    expect(await provider.get('chatcmpl-unknown|0000000000000000')).toBeNull();
  });

  it("sends the request's own model and temperature over the configured ones (seed 002's llm_model, llm_temperature)", async () => {
    const { server, provider } = await setup(() => ({ body: chatCompletion('ok') }), { temperature: 0.7 });
    await provider.submit({ prompt: 'x', seed: 3, model: 'gpt-4o-mini', temperature: 0 });
    expect(server.requests[0]!.json).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, seed: 3 });
  });

  it('sends no Authorization and no temperature when none is configured (a local server), and cuts to maxChars', async () => {
    const { server, provider } = await setup(() => ({ body: chatCompletion('<think>hmm</think>\nOne two three four five six seven') }), { apiKey: undefined });
    expect(await predictionOutput(provider, { prompt: 'x', seed: 1, maxChars: 16 })).toBe('One two three');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.json).not.toHaveProperty('temperature');
  });

  it('waits as Retry-After says on a 429, then succeeds', async () => {
    const { provider, waits } = await setup((_, n) => n === 0
      ? { status: 429, headers: { 'retry-after': '3' }, body: openAIError('Rate limit reached', 'rate_limit_exceeded') }
      : { body: chatCompletion('ok') });
    expect(await predictionOutput(provider, { prompt: 'x', seed: 1 })).toBe('ok');
    expect(waits).toEqual([3000]);
  });

  it('gives up on 500s after the retries, retryably, quoting the server', async () => {
    const { server, provider, waits } = await setup(() => ({ status: 500, body: openAIError('The server had an error') }));
    const err = await provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 500, provider: 'openai' });
    expect((err as Error).message).toContain('The server had an error');
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('stops a slow answer at the time limit, retryably', async () => {
    // A wide margin: on a loaded machine an attempt stopped too soon may not have reached the server at all.
    const { server, provider } = await setup(() => ({ delayMs: 2_000, body: chatCompletion('late') }), { timeoutMs: 300, retries: 1 });
    const err = await provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/did not answer POST \/v1\/chat\/completions within 300 ms/);
    expect(server.requests).toHaveLength(2);
  });

  it('treats malformed JSON and a wrong shape as retryable failures that say what was wrong', async () => {
    const broken = await setup(() => ({ body: '{"id": "chatcmpl-1", "choices": [' }));
    expect(await broken.provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('malformed JSON') });
    const wrong = await setup(() => ({ body: { id: 'x', choices: [] } }));
    const err = await wrong.provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/unexpected shape: choices: no choices/);
  });

  it('fails a refusal, not retryably', async () => {
    const { provider } = await setup(() => ({ body: chatCompletion(null, { refusal: 'I cannot help with that.' }) }));
    expect(await provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e)).toMatchObject({ retryable: false, message: expect.stringContaining('I cannot help with that.') });
  });

  it('never puts the API key in an error, even when the server echoes it', async () => {
    const { provider } = await setup((req) => ({ status: 401, body: openAIError(`Incorrect API key provided: ${String(req.headers.authorization).slice(7)}.`, 'invalid_api_key') }));
    const err = (await provider.submit({ prompt: 'x', seed: 1 }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ retryable: false, status: 401 });
    expect(err.message).toContain('Incorrect API key provided: [redacted]');
    expect(JSON.stringify({ message: err.message, stack: err.stack, cause: String(err.cause) })).not.toContain(TEST_OPENAI_KEY);
  });
});

describe('OpenAITextProvider with json', () => {
  it('asks for a strict json_schema response_format and returns the JSON', async () => {
    const { server, provider } = await setup(() => ({ body: chatCompletion(JSON.stringify(good)) }));
    const out = await predictionOutput(provider, { prompt: 'plan a film', seed: 3, maxChars: 5, json: { name: 'film plan', schema } });
    expect(JSON.parse(out)).toEqual(good);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.json.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'film_plan', schema: strictSchema(schema), strict: true } });
    expect(strictSchema(schema)).toMatchObject({ additionalProperties: false, required: ['title', 'scenes', 'mood'] });
  });

  it('falls back to asking in the prompt when the server refuses response_format, and remembers it', async () => {
    const { server, provider } = await setup((req) => req.json.response_format
      ? { status: 400, body: openAIError("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", null, 'response_format') }
      : { body: chatCompletion(`Here you go:\n\`\`\`json\n${JSON.stringify(good)}\n\`\`\``) });
    const req = { system: 'You plan films.', prompt: 'plan a film', seed: 3, json: { name: 'plan', schema } };
    expect(JSON.parse(await predictionOutput(provider, req))).toEqual(good);
    expect(server.requests.map((r) => Boolean(r.json.response_format))).toEqual([true, false]);
    const system = server.requests[1]!.json.messages[0];
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^You plan films\.\n\nAnswer with one JSON value only/);
    expect(system.content).toContain(JSON.stringify(schema));
    // The next call with this schema goes to the prompt at once.
    await predictionOutput(provider, req);
    expect(server.requests.map((r) => Boolean(r.json.response_format))).toEqual([true, false, false]);
  });

  it('does not fall back on another 400', async () => {
    const { server, provider } = await setup(() => ({ status: 400, body: openAIError("Invalid 'messages': empty array.") }));
    expect(await provider.submit({ prompt: 'x', seed: 1, json: { name: 'plan', schema } }).catch((e: unknown) => e)).toMatchObject({ retryable: false, status: 400 });
    expect(server.requests).toHaveLength(1);
  });

  it('makes one repair call when the answer does not parse or match, and keeps the repaired JSON', async () => {
    const { server, provider } = await setup((_, n) => ({ body: chatCompletion(n === 0 ? '{"title": "Lighthouse", "scenes": ["a storm",' : JSON.stringify(good)) }));
    expect(JSON.parse(await predictionOutput(provider, { prompt: 'x', seed: 1, json: { name: 'plan', schema } }))).toEqual(good);
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!.json;
    expect(repair.response_format.type).toBe('json_schema');
    expect(repair.messages[1].content).toMatch(/does not parse as JSON/);
    expect(repair.messages[1].content).toContain('{"title": "Lighthouse", "scenes": ["a storm",');

    const mismatch = await setup((_, n) => ({ body: chatCompletion(n === 0 ? '{"title": 7}' : JSON.stringify(good)) }));
    await predictionOutput(mismatch.provider, { prompt: 'x', seed: 1, json: { name: 'plan', schema } });
    expect(mismatch.server.requests[1]!.json.messages[1].content).toContain('$.title: expected string, got number');
  });

  it('fails, not retryably, when the repair does not give JSON matching the schema either', async () => {
    const { server, provider } = await setup(() => ({ body: chatCompletion('Sorry, here is a poem instead.') }));
    const err = await provider.submit({ prompt: 'x', seed: 1, json: { name: 'plan', schema } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false });
    expect((err as Error).message).toMatch(/not JSON matching the schema "plan", even after a repair/);
    expect(server.requests).toHaveLength(2);
  });
});
