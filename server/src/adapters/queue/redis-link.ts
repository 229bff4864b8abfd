import { Redis, type RedisOptions } from 'ioredis';

export type WarningReporter = (message: string) => void;

/**
 * One named ioredis connection (the name shows in CLIENT LIST) that reports an outage once, not
 * once per reconnect attempt, and lets callers fail fast while Redis is unreachable.
 */
export class RedisLink {
  readonly client: Redis;
  /** An error since the last ready: the server is unreachable, so do not wait on the next attempt. */
  private down = false;

  constructor(url: string, name: string, options: RedisOptions, onWarning: WarningReporter) {
    // CLIENT SETNAME refuses spaces and the like, and a refused name fails the connection.
    this.client = new Redis(url, { connectionName: name.replace(/[^\w:.-]/g, '_'), ...options });
    this.client.on('error', (err: Error) => {
      if (this.down) return;
      this.down = true;
      onWarning(`Redis connection ${name}: ${err.message}`);
    });
    this.client.on('ready', () => {
      this.down = false;
    });
  }

  /** Resolves when a command can be sent now; while the first connection is being made, waits at most `timeoutMs`. */
  async whenReady(timeoutMs: number): Promise<void> {
    const { client } = this;
    if (client.status === 'ready') return;
    if (this.down || (client.status !== 'connecting' && client.status !== 'connect')) throw new Error(`Redis unavailable (${client.status})`);
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady).off('error', onError).off('end', onEnd);
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => done();
      const onError = (err: Error) => done(new Error(`Redis unavailable: ${err.message}`));
      const onEnd = () => done(new Error('Redis unavailable (end)'));
      const timer = setTimeout(() => done(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
      client.on('ready', onReady).on('error', onError).on('end', onEnd);
    });
  }

  /** Closes politely when connected (replies in flight arrive), at once otherwise. */
  async close(): Promise<void> {
    const { client } = this;
    if (client.status === 'end') return;
    if (client.status !== 'ready') {
      client.disconnect();
      return;
    }
    // A quit that fails (connection lost mid-way) still has to end the client: disconnect does.
    await client.quit().catch(() => client.disconnect());
  }
}
