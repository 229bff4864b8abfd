import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';

/** In-process pub/sub for the embedded mode. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly channels = new Map<string, Set<(e: JobEvent) => void>>();
  private readonly prefixes = new Set<{ prefix: string; listener: (channel: string, e: JobEvent) => void }>();

  async publish(channel: string, event: JobEvent): Promise<void> {
    // One failing subscriber must not stop the others.
    for (const listener of this.channels.get(channel) ?? []) {
      try {
        listener(event);
      } catch {}
    }
    for (const p of this.prefixes) {
      if (!channel.startsWith(p.prefix)) continue;
      try {
        p.listener(channel, event);
      } catch {}
    }
  }

  async subscribePrefix(prefix: string, listener: (channel: string, e: JobEvent) => void): Promise<Unsubscribe> {
    const entry = { prefix, listener };
    this.prefixes.add(entry);
    return async () => {
      this.prefixes.delete(entry);
    };
  }

  async subscribe(channel: string, listener: (e: JobEvent) => void): Promise<Unsubscribe> {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.prefixes.clear();
  }
}
