import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';
import { deliverAll, type ListenerErrorReporter } from './deliver-all';

type ChannelListener = (event: JobEvent) => void;
type PrefixListener = (channel: string, event: JobEvent) => void;

/** In-process pub/sub for the embedded mode: plain sets, so any number of listeners and no max-listener warnings. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  // Entries are objects, so the same function subscribed twice is two subscriptions.
  private readonly channels = new Map<string, Set<{ fn: ChannelListener }>>();
  private readonly prefixes = new Set<{ prefix: string; fn: PrefixListener }>();
  private closed = false;

  constructor(private readonly onListenerError: ListenerErrorReporter = () => {}) {}

  async publish(channel: string, event: JobEvent): Promise<void> {
    if (this.closed) throw new Error('event bus closed');
    const onError = (err: unknown) => this.onListenerError(err, channel);
    const subs = this.channels.get(channel);
    if (subs) deliverAll(subs, (s) => s.fn(event), onError);
    if (this.prefixes.size > 0) deliverAll([...this.prefixes].filter((p) => channel.startsWith(p.prefix)), (p) => p.fn(channel, event), onError);
  }

  async subscribe(channel: string, listener: ChannelListener): Promise<Unsubscribe> {
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Set()));
    const entry = { fn: listener };
    subs.add(entry);
    return async () => {
      subs.delete(entry);
      if (subs.size === 0 && this.channels.get(channel) === subs) this.channels.delete(channel);
    };
  }

  async subscribePrefix(prefix: string, listener: PrefixListener): Promise<Unsubscribe> {
    const entry = { prefix, fn: listener };
    this.prefixes.add(entry);
    return async () => {
      this.prefixes.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    this.prefixes.clear();
  }
}
