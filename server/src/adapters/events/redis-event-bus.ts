import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';

/**
 * Redis pub/sub: one publisher, one subscriber connection shared by every subscription of this
 * process. This process's own subscribers get its events at once, not after the Redis round trip,
 * so a request that changed a job reads its change back.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private readonly listeners = new Map<string, Set<(e: JobEvent) => void>>();
  private readonly patterns = new Map<string, Set<(channel: string, e: JobEvent) => void>>();

  constructor(private readonly url: string, private readonly prefix = 'mediaforge:events:') {
    this.pub = new Redis(url, { maxRetriesPerRequest: 1 });
    this.pub.on('error', () => {});
  }

  private subscriber(): Redis {
    if (!this.sub) {
      this.sub = new Redis(this.url, { maxRetriesPerRequest: null });
      this.sub.on('error', () => {});
      this.sub.on('message', (channel: string, raw: string) => {
        const event = this.decode(raw);
        if (event) this.deliverChannel(channel.slice(this.prefix.length), event);
      });
      this.sub.on('pmessage', (pattern: string, channel: string, raw: string) => {
        const event = this.decode(raw);
        if (event) for (const l of this.patterns.get(pattern) ?? []) l(channel.slice(this.prefix.length), event);
      });
    }
    return this.sub;
  }

  /** The event, unless this process published it (it was delivered locally already). */
  private decode(raw: string): JobEvent | null {
    try {
      const msg = JSON.parse(raw) as { o: string; e: JobEvent };
      return msg.o === this.origin ? null : msg.e;
    } catch {
      return null;
    }
  }

  private deliverChannel(channel: string, event: JobEvent): void {
    for (const l of this.listeners.get(channel) ?? []) l(event);
  }

  async publish(channel: string, event: JobEvent): Promise<void> {
    this.deliverChannel(channel, event);
    for (const [pattern, set] of this.patterns) {
      if (!globMatches(pattern, this.prefix + channel)) continue;
      for (const l of set) l(channel, event);
    }
    await this.pub.publish(this.prefix + channel, JSON.stringify({ o: this.origin, e: event }));
  }

  async subscribe(channel: string, listener: (e: JobEvent) => void): Promise<Unsubscribe> {
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.subscriber().subscribe(this.prefix + channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.sub?.unsubscribe(this.prefix + channel).catch(() => {});
      }
    };
  }

  async subscribePrefix(prefix: string, listener: (channel: string, e: JobEvent) => void): Promise<Unsubscribe> {
    const pattern = `${escapeGlob(this.prefix + prefix)}*`;
    let set = this.patterns.get(pattern);
    if (!set) {
      this.patterns.set(pattern, (set = new Set()));
      await this.subscriber().psubscribe(pattern);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.patterns.get(pattern) === set) {
        this.patterns.delete(pattern);
        await this.sub?.punsubscribe(pattern).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.patterns.clear();
    this.sub?.disconnect();
    this.pub.disconnect();
  }
}

const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Our patterns are always `literal*`: a prefix test is enough. */
function globMatches(pattern: string, channel: string): boolean {
  return channel.startsWith(pattern.slice(0, -1).replace(/\\(.)/g, '$1'));
}
