import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventBus, JobEvent } from '../../core/ports/events';
import { MemoryEventBus } from './memory-event-bus';
import { RedisEventBus } from './redis-event-bus';

const redisUrl = process.env.REDIS_URL;
const buses: EventBus[] = [];
afterAll(async () => {
  for (const b of buses) await b.close();
});

const event = (status: string): JobEvent => ({ jobId: 'j', status, progress: 0.5, at: new Date().toISOString() });
const until = async (cond: () => boolean) => {
  const end = Date.now() + 3000;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

const pairs: [string, () => [EventBus, EventBus], boolean][] = [
  ['memory', () => {
    const bus = new MemoryEventBus();
    return [bus, bus];
  }, true],
  ['redis', () => {
    const prefix = `mf-etest-${randomBytes(4).toString('hex')}:`;
    // Two instances stand for two processes: the API's subscriber and a worker's publisher.
    return [new RedisEventBus(redisUrl ?? '', prefix), new RedisEventBus(redisUrl ?? '', prefix)];
  }, Boolean(redisUrl)],
];

for (const [name, make, enabled] of pairs) {
  describe.runIf(enabled)(`${name} event bus`, () => {
    it('delivers to subscribers of a channel until they unsubscribe', async () => {
      const [sub, pub] = make();
      buses.push(sub, pub);
      const a: string[] = [];
      const b: string[] = [];
      const offA = await sub.subscribe('job:1', (e) => a.push(e.status));
      const offB = await sub.subscribe('job:1', (e) => b.push(e.status));
      await sub.subscribe('job:2', () => a.push('wrong channel'));
      await pub.publish('job:1', event('running'));
      await until(() => a.length === 1 && b.length === 1);
      await offA();
      await pub.publish('job:1', event('completed'));
      await until(() => b.length === 2);
      await offB();
      await pub.publish('job:1', event('ignored'));
      await new Promise((r) => setTimeout(r, 50));
      expect(a).toEqual(['running']);
      expect(b).toEqual(['running', 'completed']);
    });

    it('delivers every channel under a prefix', async () => {
      const [sub, pub] = make();
      buses.push(sub, pub);
      const seen: string[] = [];
      const off = await sub.subscribePrefix('job:', (channel, e) => seen.push(`${channel}=${e.status}`));
      await pub.publish('job:7', event('running'));
      await pub.publish('other:7', event('nope'));
      await pub.publish('job:8', event('completed'));
      await until(() => seen.length === 2);
      await off();
      await pub.publish('job:9', event('late'));
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(['job:7=running', 'job:8=completed']);
    });
  });
}
