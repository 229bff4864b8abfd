import { afterEach, describe, expect, it } from 'vitest';
import { startContractServer, type ContractResponse, type ContractServer } from '../../../testing/contract-server';
import { TEST_OPENAI_KEY, openAIError } from '../../../testing/contracts/openai-shapes';
import { createOpenAIModerationProvider } from './openai-providers';

let servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(...answers: ContractResponse[]) {
  let i = 0;
  const server = await startContractServer(() => answers[Math.min(i++, answers.length - 1)]!);
  servers.push(server);
  const waits: number[] = [];
  const provider = createOpenAIModerationProvider({ baseUrl: `${server.url}/v1`, apiKey: TEST_OPENAI_KEY, retries: 1, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
  return { server, provider, waits };
}

/** The moderation object (API reference), one result. */
const moderation = (flagged: boolean, on: string[]) => ({
  id: 'modr-1', model: 'omni-moderation-latest',
  results: [{
    flagged,
    categories: Object.fromEntries(['harassment', 'hate', 'self-harm/intent', 'sexual', 'violence', 'violence/graphic'].map((c) => [c, on.includes(c)])),
    category_scores: { harassment: 0.01, violence: 0.9 },
    category_applied_input_types: { violence: ['text'] },
  }],
});

describe('OpenAIModerationProvider', () => {
  it('posts the text to /moderations with omni-moderation-latest and names the flagged categories', async () => {
    const { server, provider } = await setup({ body: moderation(true, ['violence', 'violence/graphic']) });
    expect(await provider.checkText('a violent scene')).toEqual({ flagged: true, categories: ['violence', 'violence/graphic'] });
    expect(provider.name).toBe('openai');
    expect(server.requests[0]!.url.pathname).toBe('/v1/moderations');
    expect(server.requests[0]!.json).toEqual({ model: 'omni-moderation-latest', input: 'a violent scene' });
  });

  it('passes clean text, and retries a 429 as Retry-After says', async () => {
    const { provider, waits } = await setup({ status: 429, headers: { 'retry-after': '1' }, body: openAIError('slow down') }, { body: moderation(false, []) });
    expect(await provider.checkText('a sunny day')).toEqual({ flagged: false, categories: [] });
    expect(waits).toEqual([1000]);
  });

  it('fails retryably on 500s, and says what was wrong with a wrong answer', async () => {
    const failing = await setup({ status: 500, body: openAIError('oops') });
    expect(await failing.provider.checkText('x').catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 500 });
    const wrong = await setup({ body: { id: 'modr-1', results: [] } });
    expect(await wrong.provider.checkText('x').catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining('results: no result') });
  });
});
