/**
 * A process that uses a ChildPool and a ProcessLauncher once, closes both with nothing else
 * keeping its event loop alive, and says so. Their children are unreferenced while idle: a close
 * that awaited their exit without referencing them again ended such a process silently, halfway
 * through its shutdown (seen as `npm run bench` stopping after its first platform). Last, a close
 * that never settles, bounded by closeWithin: its time limit must be what ends the wait.
 */
import { fileURLToPath } from 'node:url';
import { ChildPool } from '../adapters/media/child-pool';
import { ProcessLauncher } from '../adapters/media/process-launcher';
import { closeWithin } from '../composition/close-within';

const pool = new ChildPool({
  entry: fileURLToPath(new URL('./runaway-child.ts', import.meta.url)),
  name: 'test worker', size: 2, memoryCapBytes: 400 * 1024 * 1024, timeoutMs: 20_000,
});
const launcher = new ProcessLauncher();
await pool.run('echo', ['alive']);
await launcher.run(process.execPath, ['-e', ''], { timeoutMs: 20_000, memoryCapBytes: Infinity });
await pool.close();
process.stdout.write('pool closed\n');
await launcher.close();
process.stdout.write('launcher closed\n');
await closeWithin('a resource that never answers', 50, () => new Promise(() => {}), { info() {}, warn() {}, error() {}, debug() {} });
process.stdout.write('gave up on the rest\n');
