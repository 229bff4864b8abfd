import { afterEach, describe, expect, it } from 'vitest';
import { startContractServer, type ContractServer } from '../../../testing/contract-server';
import { chatCompletion, tempCopies } from '../../../testing/contracts/openai-shapes';
import { predictionOutput } from '../../../testing/prediction-output';
import { OPENAI_DEFAULT_TEXT_MODEL, createOpenAIImageProvider, createOpenAITextProvider, createOpenAIVideoProvider } from './openai-providers';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

describe('the OpenAI factories', () => {
  it('build providers from plain options, with the default models', async () => {
    const server: ContractServer = await startContractServer(() => ({ body: chatCompletion('hello') }));
    const { copies, remove } = tempCopies();
    cleanup.push(() => server.close(), remove);
    const opts = { baseUrl: `${server.url}/v1`, textTemperature: 0.2 };
    const text = createOpenAITextProvider(opts, { copies });
    expect(await predictionOutput(text, { prompt: 'hi', seed: 1 })).toBe('hello');
    expect(server.requests[0]!.json).toMatchObject({ model: OPENAI_DEFAULT_TEXT_MODEL, temperature: 0.2 });
    expect(OPENAI_DEFAULT_TEXT_MODEL).toBe('gpt-4.1-mini');
    const media = { conformImage: async () => { throw new Error('unused'); }, conformVideo: async () => { throw new Error('unused'); } };
    expect([text.name, createOpenAIImageProvider(opts, { copies, media }).name, createOpenAIVideoProvider(opts, { copies, media }).name]).toEqual(['openai', 'openai', 'openai']);
  });
});
