import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../composition/logger';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';

/** Every line the platform's real (pino) logger writes, parsed. */
const lines: Record<string, any>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false, logger: createLogger('info', capture) });
});
afterAll(async () => t?.dispose());

describe('an unexpected error', () => {
  it('is logged as an object with its stack and its cause, and answered 500 without either', async () => {
    const { token } = await t.signUp();
    const cause = new Error('disk gone');
    const spy = vi.spyOn(t.platform.jobDetails, 'get').mockRejectedValue(new Error('could not read the job', { cause }));
    try {
      const res = await t.call('GET', '/v1/jobs/anything', { token });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/disk gone|could not read/);
      const logged = lines.find((l) => l.msg === 'unhandled error' && l.requestId === res.body.error.requestId);
      expect(logged).toBeDefined();
      expect(logged!.err).toMatchObject({ type: 'Error', message: expect.stringContaining('could not read the job') });
      expect(logged!.err.stack).toMatch(/^Error: could not read the job\n\s+at /);
      expect(logged!.err.stack).toContain('caused by: Error: disk gone');
    } finally {
      spy.mockRestore();
    }
  });
});
