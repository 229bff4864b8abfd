import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../json/simple-schema';
import { predictionOutput } from '../../../testing/prediction-output';
import { StubRuntime } from './stub-runtime';
import { StubTextProvider } from './stub-text';

const text = new StubTextProvider(new StubRuntime(0, () => false));

describe('StubTextProvider', () => {
  it('is deterministic by prompt and seed', async () => {
    const req = { prompt: '해변에서 자라는 소녀의 성장 이야기', seed: 7 };
    const a = await predictionOutput(text, req);
    expect(await predictionOutput(text, req)).toBe(a);
    expect(await predictionOutput(text, { ...req, seed: 8 })).not.toBe(a);
    expect(await predictionOutput(text, { ...req, prompt: 'a lighthouse keeper retires' })).not.toBe(a);
  });

  it('builds on the words of the prompt', async () => {
    const out = await predictionOutput(text, { prompt: 'lighthouse, 등대, storm', seed: 3 });
    expect(out).toMatch(/lighthouse|등대|storm/);
  });

  it('answers a brief of `Label: value` lines with its values, in order', async () => {
    const out = await predictionOutput(text, { prompt: 'Idea: 골목의 고양이\nStyle: anime illustration\nMood: calm, serene.', seed: 1 });
    expect(out).toBe('골목의 고양이, anime illustration, calm, serene.');
    // One labelled line is not a form.
    expect(await predictionOutput(text, { prompt: 'Idea: a cat', seed: 1 })).not.toBe('a cat.');
  });

  it('returns exactly the number of lines asked for, else one paragraph', async () => {
    const lines = await predictionOutput(text, { system: 'Return exactly 4 lines, one prompt per line.', prompt: 'a drama', seed: 1 });
    expect(lines.split('\n')).toHaveLength(4);
    expect(lines.split('\n').every((l) => l.trim().length > 10)).toBe(true);
    expect((await predictionOutput(text, { prompt: '장면을 3줄로 써 주세요', seed: 1 })).split('\n')).toHaveLength(3);
    expect((await predictionOutput(text, { prompt: 'a drama', seed: 1 })).split('\n')).toHaveLength(1);
  });

  it('respects maxChars without splitting a character', async () => {
    for (const maxChars of [1, 17, 40, 120]) {
      const out = await predictionOutput(text, { prompt: '😀 이모지와 한국어 🎬 prompt', seed: 5, maxChars });
      expect(Array.from(out).length).toBeLessThanOrEqual(maxChars);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});

describe('StubTextProvider with json', () => {
  const schema = {
    type: 'object',
    properties: {
      title: { type: 'string', maxLength: 30 },
      mood: { enum: ['calm', 'tense', 'joyful'] },
      rating: { type: 'integer', minimum: 1, maximum: 5 },
      score: { type: 'number' },
      final: { type: 'boolean' },
      scenes: { type: 'array', minItems: 2, maxItems: 4, items: { type: 'object', properties: { prompt: { type: 'string' }, seconds: { type: 'number', minimum: 2, maximum: 8 } }, required: ['prompt'] } },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['title', 'mood', 'scenes'],
  };

  it('answers JSON satisfying the schema, deterministically by seed', async () => {
    const req = { prompt: 'a lighthouse keeper retires', seed: 4, maxChars: 10, json: { name: 'plan', schema } };
    const out = await predictionOutput(text, req);
    const value = JSON.parse(out);
    expect(schemaProblems(value, schema)).toEqual([]);
    expect(value.scenes).toHaveLength(2);
    expect(value.tags).toHaveLength(3);
    expect(typeof value.scenes[0].prompt).toBe('string');
    expect(await predictionOutput(text, req)).toBe(out);
    expect(await predictionOutput(text, { ...req, seed: 5 })).not.toBe(out);
  });
});
