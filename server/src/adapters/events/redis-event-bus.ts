import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';
import { RedisLink, type WarningReporter } from '../queue/redis-link';
import { deliverAll, type ListenerErrorReporter } from './deliver-all';

export interface RedisEventBusOptions {
  onWarning?: WarningReporter;
  onListenerError?: ListenerErrorReporter;
}

/** One Redis subscription (a channel or a pattern) shared by this process's listeners of it. */
interface Topic<L> {
  listeners: Set<{ fn: L }>;
  /** Settles when Redis confirmed the subscription. */
  ready: Promise<unknown>;
}

type ChannelListener = (event: JobEvent) => void;
type PrefixListener = (channel: string, event: JobEvent) => void;

/** On the wire: the event and the bus instance that sent it. */
interface Envelope {
  o: string;
  e: JobEvent;
}

/**
 * Redis pub/sub: one publisher and one subscriber connection per instance, the subscriber shared by
 * every subscription with a listener set per channel. This instance's own subscribers get its events
 * at once, not after the Redis round trip (a request that changed a job reads its change back), and
 * the echo from Redis is dropped. Pub/sub is fire and forget: events sent while a subscriber's
 * connection is down are lost to it, which is why events are advisory.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly origin = randomUUID();
  private readonly pub: RedisLink;
  private sub: RedisLink | null = null;
  /** Keyed by the Redis channel (our prefix included). */
  private readonly channels = new Map<string, Topic<ChannelListener>>();
  /** Keyed by the Redis glob pattern; `literal` is the prefix it stands for. */
  private readonly patterns = new Map<string, Topic<PrefixListener> & { literal: string }>();
  private readonly warn: WarningReporter;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly prefix = 'mediaforge:events:',
    private readonly opts: RedisEventBusOptions = {},
  ) {
    this.warn = (m) => {
      try {
        opts.onWarning?.(m);
      } catch {
        // A broken logger must not break the bus.
      }
    };
    // A few retries, not forever: a publish during an outage fails instead of piling up offline.
    this.pub = new RedisLink(url, 'mediaforge:events:pub', { maxRetriesPerRequest: 1 }, this.warn);
  }

  async publish(channel: string, event: JobEvent): Promise<void> {
    if (this.closed) throw new Error('event bus closed');
    this.deliver(this.prefix + channel, event);
    const envelope: Envelope = { o: this.origin, e: event };
    await this.pub.client.publish(this.prefix + channel, JSON.stringify(envelope));
  }

  async subscribe(channel: string, listener: ChannelListener): Promise<Unsubscribe> {
    const key = this.prefix + channel;
    let topic = this.channels.get(key);
    if (!topic) {
      topic = { listeners: new Set(), ready: this.subscriber().subscribe(key) };
      this.channels.set(key, topic);
    }
    return this.join(topic, { fn: listener }, () => this.channels, key, (c) => c.unsubscribe(key));
  }

  async subscribePrefix(prefix: string, listener: PrefixListener): Promise<Unsubscribe> {
    const literal = this.prefix + prefix;
    const pattern = `${literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    let topic = this.patterns.get(pattern);
    if (!topic) {
      topic = { listeners: new Set(), ready: this.subscriber().psubscribe(pattern), literal };
      this.patterns.set(pattern, topic);
    }
    return this.join(topic, { fn: listener }, () => this.patterns, pattern, (c) => c.punsubscribe(pattern));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    this.patterns.clear();
    await Promise.all([this.sub?.close(), this.pub.close()]);
  }

  /**
   * Adds a listener once Redis confirmed its topic (so an event published after subscribe()
   * resolved reaches it), and returns the unsubscribe that drops the topic with its last listener.
   */
  private async join<L>(
    topic: Topic<L>,
    entry: { fn: L },
    map: () => Map<string, Topic<L>>,
    key: string,
    leave: (sub: Redis) => Promise<unknown>,
  ): Promise<Unsubscribe> {
    topic.listeners.add(entry);
    try {
      await topic.ready;
    } catch (err) {
      // Forget the topic so the next subscriber asks Redis again.
      topic.listeners.delete(entry);
      if (map().get(key) === topic) map().delete(key);
      throw err;
    }
    let left = false;
    return async () => {
      if (left) return;
      left = true;
      topic.listeners.delete(entry);
      if (topic.listeners.size > 0 || map().get(key) !== topic) return;
      map().delete(key);
      // Sent on the same connection as any later subscribe of this key, so Redis sees them in order.
      if (this.sub && !this.closed) await leave(this.sub.client).catch((err: unknown) => this.warn(`event bus: unsubscribe failed (${err instanceof Error ? err.message : String(err)}); extra messages are dropped as unknown`));
    };
  }

  private subscriber(): Redis {
    if (this.closed) throw new Error('event bus closed');
    if (!this.sub) {
      // ioredis resubscribes every channel and pattern after a reconnect.
      this.sub = new RedisLink(this.url, 'mediaforge:events:sub', { maxRetriesPerRequest: 1 }, this.warn);
      this.sub.client.on('message', (key: string, raw: string) => {
        const event = this.decode(raw);
        const topic = this.channels.get(key);
        if (event && topic) this.call(topic.listeners, key, (fn) => fn(event));
      });
      this.sub.client.on('pmessage', (pattern: string, key: string, raw: string) => {
        const event = this.decode(raw);
        const topic = this.patterns.get(pattern);
        const channel = key.slice(this.prefix.length);
        if (event && topic) this.call(topic.listeners, key, (fn) => fn(channel, event));
      });
    }
    return this.sub.client;
  }

  /** Local delivery of this instance's own event: to the channel's listeners and every matching prefix. */
  private deliver(key: string, event: JobEvent): void {
    const topic = this.channels.get(key);
    if (topic) this.call(topic.listeners, key, (fn) => fn(event));
    const channel = key.slice(this.prefix.length);
    for (const p of this.patterns.values()) {
      if (key.startsWith(p.literal)) this.call(p.listeners, key, (fn) => fn(channel, event));
    }
  }

  private call<L>(listeners: Set<{ fn: L }>, key: string, invoke: (fn: L) => void): void {
    const channel = key.slice(this.prefix.length);
    deliverAll(listeners, (l) => invoke(l.fn), (err) => this.opts.onListenerError?.(err, channel));
  }

  /** The event, unless this instance sent it (delivered locally already) or it is not ours. */
  private decode(raw: string): JobEvent | null {
    let msg: Partial<Envelope>;
    try {
      msg = JSON.parse(raw) as Partial<Envelope>;
    } catch {
      this.warn('event bus: a message that is not JSON was ignored');
      return null;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.o !== 'string' || !msg.e || typeof msg.e !== 'object') return null;
    return msg.o === this.origin ? null : msg.e;
  }
}
