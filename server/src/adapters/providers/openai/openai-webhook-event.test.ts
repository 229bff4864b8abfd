import { describe, expect, it } from 'vitest';
import { parseOpenAIWebhookEvent } from './openai-webhook-event';

describe('parseOpenAIWebhookEvent', () => {
  const event = { id: 'evt_abc', object: 'event', created_at: 1_760_000_000, type: 'video.completed', data: { id: 'video_123' } };

  it('reads the video id and the type from the raw body or its JSON', () => {
    expect(parseOpenAIWebhookEvent(JSON.stringify(event))).toEqual({ externalId: 'video_123', type: 'video.completed' });
    expect(parseOpenAIWebhookEvent(Buffer.from(JSON.stringify({ ...event, type: 'video.failed' })))).toEqual({ externalId: 'video_123', type: 'video.failed' });
    expect(parseOpenAIWebhookEvent({ ...event, type: 'response.completed', data: { id: 'resp_1' } })).toEqual({ externalId: 'resp_1', type: 'response.completed' });
  });

  it('is null for anything else', () => {
    for (const body of ['not json', '{}', JSON.stringify({ ...event, object: 'video' }), JSON.stringify({ ...event, data: {} }), JSON.stringify({ ...event, type: '' }), null, 42]) {
      expect(parseOpenAIWebhookEvent(body)).toBeNull();
    }
  });
});
