import { Redis } from 'ioredis';
import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';

/** Redis pub/sub: one publisher, one subscriber connection shared by every subscription of this process. */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private readonly listeners = new Map<string, Set<(e: JobEvent) => void>>();

  constructor(private readonly url: string, private readonly prefix = 'mediaforge:events:') {
    this.pub = new Redis(url, { maxRetriesPerRequest: 1 });
    this.pub.on('error', () => {});
  }

  private subscriber(): Redis {
    if (!this.sub) {
      this.sub = new Redis(this.url, { maxRetriesPerRequest: null });
      this.sub.on('error', () => {});
      this.sub.on('message', (channel: string, raw: string) => {
        const set = this.listeners.get(channel.slice(this.prefix.length));
        if (!set) return;
        let event: JobEvent;
        try {
          event = JSON.parse(raw) as JobEvent;
        } catch {
          return;
        }
        for (const l of set) l(event);
      });
    }
    return this.sub;
  }

  async publish(channel: string, event: JobEvent): Promise<void> {
    await this.pub.publish(this.prefix + channel, JSON.stringify(event));
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

  async close(): Promise<void> {
    this.listeners.clear();
    this.sub?.disconnect();
    this.pub.disconnect();
  }
}
