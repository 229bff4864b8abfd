import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEventBusContract, jobEvent, sleep, until } from './event-bus-contract';
import { RedisEventBus } from './redis-event-bus';
import { redisAnswers, testRedisUrl } from '../../testing/test-redis';

// The real Redis: REDIS_URL, or the local default when it answers (skipped, not failed, only when neither).
const redisUrl = testRedisUrl;
const enabled = Boolean(process.env.REDIS_URL) || (await redisAnswers(redisUrl));
const prefix = `mf-test-${randomBytes(4).toString('hex')}:events:`;

describe.runIf(enabled)('redis event bus', () => {
  const admin = new Redis(redisUrl, { lazyConnect: true });
  const buses: RedisEventBus[] = [];
  const bus = () => {
    const b = new RedisEventBus(redisUrl, prefix);
    buses.push(b);
    return b;
  };
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await admin.quit();
  });

  // Two instances stand for two processes: the API's subscriber and a worker's publisher.
  describeEventBusContract('redis', (onListenerError) => ({
    sub: new RedisEventBus(redisUrl, prefix, { onListenerError }),
    pub: new RedisEventBus(redisUrl, prefix, { onListenerError }),
  }));

  const numsub = async (channel: string) => ((await admin.pubsub('NUMSUB', prefix + channel)) as [string, number])[1];
  // PUBLISH answers how many connections received it, patterns included; our prefix is this run's own.
  const receivers = (channel: string) => admin.publish(prefix + channel, 'probe');

  it('holds one Redis subscription per channel and drops it with the last listener', async () => {
    const sub = bus();
    const offs = await Promise.all([1, 2, 3].map(() => sub.subscribe('job:shared', () => {})));
    expect(await numsub('job:shared')).toBe(1);
    await offs[0]!();
    await offs[1]!();
    expect(await numsub('job:shared')).toBe(1);
    await offs[2]!();
    expect(await numsub('job:shared')).toBe(0);
  });

  it('drops a prefix subscription with its last listener', async () => {
    const sub = bus();
    const offs = await Promise.all([sub.subscribePrefix('job:', () => {}), sub.subscribePrefix('job:', () => {})]);
    expect(await receivers('job:any')).toBe(1);
    await offs[0]!();
    expect(await receivers('job:any')).toBe(1);
    await offs[1]!();
    expect(await receivers('job:any')).toBe(0);
  });

  it('receives what another instance published right after subscribe() resolved, for concurrent subscribers too', async () => {
    const sub = bus();
    const pub = bus();
    const got: string[] = [];
    await Promise.all([sub.subscribe('job:race', () => got.push('a')), sub.subscribe('job:race', () => got.push('b'))]);
    await pub.publish('job:race', jobEvent('running'));
    await until(() => got.length === 2);
    expect(got.sort()).toEqual(['a', 'b']);
  });

  it('ignores messages that are not its own format and keeps going', async () => {
    const warnings: string[] = [];
    const sub = new RedisEventBus(redisUrl, prefix, { onWarning: (m) => warnings.push(m) });
    buses.push(sub);
    const pub = bus();
    const got: string[] = [];
    await sub.subscribe('job:junk', (e) => got.push(e.status));
    await admin.publish(`${prefix}job:junk`, 'not json');
    await admin.publish(`${prefix}job:junk`, JSON.stringify({ hello: 'world' }));
    await pub.publish('job:junk', jobEvent('running'));
    await until(() => got.length === 1);
    expect(got).toEqual(['running']);
    expect(warnings.some((w) => w.includes('not JSON'))).toBe(true);
  });

  it('closes its connections and refuses to publish afterwards', async () => {
    const b = new RedisEventBus(redisUrl, prefix);
    await b.subscribe('job:closing', () => {});
    await b.publish('job:closing', jobEvent('running'));
    await b.close();
    await b.close();
    await expect(b.publish('job:closing', jobEvent('late'))).rejects.toThrow('closed');
    await sleep(50);
    expect(await numsub('job:closing')).toBe(0);
  });
});
