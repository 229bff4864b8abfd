import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type Child } from '../../server/src/testing/child-process';
import { freePort } from '../../server/src/testing/free-port';

/**
 * The real server (`mediaforge start`) on embedded defaults for a browser test: the console built
 * if stale, a free port, a data folder of its own. `restart` runs it again on the same data with
 * other settings (a provider that recovered); `close` stops it and deletes the data.
 */
export class ConsoleServer {
  private child: Child | null = null;

  private constructor(readonly base: string, readonly dataDir: string, private readonly env: Record<string, string>) {}

  static async start(name: string, env: Record<string, string> = {}): Promise<ConsoleServer> {
    execSync('node console/build-if-stale.mjs', { cwd: path.resolve(import.meta.dirname, '../..'), stdio: 'ignore' });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `mf-e2e-${name}-`));
    const server = new ConsoleServer(base, dataDir, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: base, STUB_LATENCY_MS: '0' });
    await server.run(env);
    return server;
  }

  /** Stops the server and starts it again on the same data, with `env` over the defaults. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.child?.kill('SIGTERM');
    await this.run(env);
  }

  async close(): Promise<void> {
    await this.child?.kill('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async run(env: Record<string, string>): Promise<void> {
    this.child = runCli('start', { ...this.env, ...env }, { embedded: true });
    await this.child.waitForOutput('worker started', 30_000);
  }
}
