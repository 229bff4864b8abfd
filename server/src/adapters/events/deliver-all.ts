export type ListenerErrorReporter = (err: unknown, channel: string) => void;

/**
 * Calls every listener of a snapshot (a listener may subscribe or unsubscribe while we iterate);
 * one that throws must not keep the event from the others, nor break the connection that read it.
 */
export function deliverAll<L>(listeners: Iterable<L>, call: (listener: L) => void, onError: (err: unknown) => void): void {
  for (const listener of [...listeners]) {
    try {
      call(listener);
    } catch (err) {
      try {
        onError(err);
      } catch {
        // Nothing left to tell.
      }
    }
  }
}
