import { afterAll, describe, expect, it } from 'vitest';
import type { EventBus, JobEvent } from '../../core/ports/events';
import type { ListenerErrorReporter } from './deliver-all';

/** Two handles on one bus: the same instance in memory, two instances (two processes) on Redis. */
export type BusPairFactory = (onListenerError: ListenerErrorReporter) => { sub: EventBus; pub: EventBus };

// The bus carries any status: tests use labels of their own to tell events apart.
export const jobEvent = (status: string, jobId = 'job_1'): JobEvent => ({ jobId, seq: 1, status: status as JobEvent['status'], progress: 0.5, at: new Date().toISOString() });
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(5);
  expect(cond()).toBe(true);
}

/** What every EventBus must do, whichever adapter. */
export function describeEventBusContract(name: string, makePair: BusPairFactory): void {
  describe(`${name} event bus (EventBus contract)`, () => {
    const opened = new Set<EventBus>();
    const open = (onListenerError: ListenerErrorReporter = () => {}) => {
      const pair = makePair(onListenerError);
      opened.add(pair.sub).add(pair.pub);
      return pair;
    };
    afterAll(async () => {
      await Promise.all([...opened].map((b) => b.close()));
    });

    it('delivers to the subscribers of a channel until they unsubscribe', async () => {
      const { sub, pub } = open();
      const a: string[] = [];
      const b: string[] = [];
      const offA = await sub.subscribe('job:1', (e) => a.push(e.status));
      const offB = await sub.subscribe('job:1', (e) => b.push(e.status));
      await sub.subscribe('job:2', () => a.push('wrong channel'));
      await pub.publish('job:1', jobEvent('running'));
      await until(() => a.length === 1 && b.length === 1);
      await offA();
      await pub.publish('job:1', jobEvent('completed'));
      await until(() => b.length === 2);
      await offB();
      await pub.publish('job:1', jobEvent('ignored'));
      await sleep(50);
      expect(a).toEqual(['running']);
      expect(b).toEqual(['running', 'completed']);
    });

    it('delivers the event as published, in order', async () => {
      const { sub, pub } = open();
      const got: JobEvent[] = [];
      await sub.subscribe('job:3', (e) => got.push(e));
      const sent = [jobEvent('queued', 'job_3'), { ...jobEvent('running', 'job_3'), step: 'render', message: 'frame 1' }, jobEvent('completed', 'job_3')];
      for (const e of sent) await pub.publish('job:3', e);
      await until(() => got.length === 3);
      expect(got).toEqual(sent);
    });

    it('delivers every channel under a prefix', async () => {
      const { sub, pub } = open();
      const seen: string[] = [];
      const off = await sub.subscribePrefix('job:', (channel, e) => seen.push(`${channel}=${e.status}`));
      await pub.publish('job:7', jobEvent('running'));
      await pub.publish('other:7', jobEvent('nope'));
      await pub.publish('job:8', jobEvent('completed'));
      await until(() => seen.length === 2);
      await off();
      await pub.publish('job:9', jobEvent('late'));
      await sleep(50);
      expect(seen).toEqual(['job:7=running', 'job:8=completed']);
    });

    it('keeps delivering to the others when one listener throws, and reports it', async () => {
      const reported: [unknown, string][] = [];
      const { sub, pub } = open((err, channel) => reported.push([err, channel]));
      const got: string[] = [];
      await sub.subscribe('job:4', () => {
        throw new Error('listener bug');
      });
      await sub.subscribe('job:4', (e) => got.push(e.status));
      await pub.publish('job:4', jobEvent('running'));
      await pub.publish('job:4', jobEvent('completed'));
      await until(() => got.length === 2);
      expect(reported.map(([, c]) => c)).toEqual(['job:4', 'job:4']);
    });

    it('delivers once to a subscriber on the publishing instance', async () => {
      const { pub } = open();
      const got: string[] = [];
      await pub.subscribe('job:5', (e) => got.push(e.status));
      await pub.subscribePrefix('job:', (c) => got.push(`prefix ${c}`));
      await pub.publish('job:5', jobEvent('running'));
      await sleep(100);
      expect(got.sort()).toEqual(['prefix job:5', 'running']);
    });

    it('an unsubscribe called twice does not touch a later subscription', async () => {
      const { sub, pub } = open();
      const got: string[] = [];
      const off = await sub.subscribe('job:6', () => got.push('first'));
      await off();
      await sub.subscribe('job:6', (e) => got.push(e.status));
      await off();
      await pub.publish('job:6', jobEvent('running'));
      await until(() => got.length === 1);
      expect(got).toEqual(['running']);
    });
  });
}
