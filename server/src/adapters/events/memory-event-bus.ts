import type { EventBus, JobEvent, Unsubscribe } from '../../core/ports/events';

/** In-process pub/sub for the embedded mode. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly channels = new Map<string, Set<(e: JobEvent) => void>>();

  async publish(channel: string, event: JobEvent): Promise<void> {
    for (const listener of this.channels.get(channel) ?? []) {
      try {
        listener(event);
      } catch {
        // One failing subscriber must not stop the others.
      }
    }
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
  }
}
