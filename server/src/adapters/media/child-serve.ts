/** The child side of a ChildPool: one call at a time, answered by id over the IPC channel. */
export type ChildHandlers = Record<string, (...args: any[]) => Promise<unknown>>;

export interface ChildRequest {
  id: number;
  op: string;
  args: unknown[];
}

/**
 * A call's answer. An error crosses as its name and message, and its `reason` when it has a string
 * one (PdfRejectedError): the parent's reviveError rebuilds the class from them.
 */
export type ChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ChildError };

export interface ChildError {
  name: string;
  message: string;
  reason?: string;
}

/** Serves `handlers` to the parent; exits when the parent goes away, so no child outlives it. */
export function serveChild(handlers: ChildHandlers): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveChild: not started by a ChildPool (no IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (msg: ChildRequest) => {
    let reply: ChildReply;
    try {
      const fn = handlers[msg.op];
      if (!fn) throw new Error(`no operation ${msg.op}`);
      reply = { id: msg.id, ok: true, value: await fn(...msg.args) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const { reason } = e as { reason?: unknown };
      reply = { id: msg.id, ok: false, error: { name: e.name, message: e.message, ...(typeof reason === 'string' ? { reason } : {}) } };
    }
    send(reply);
  });
  send({ ready: true });
}
