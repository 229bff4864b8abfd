/**
 * The process launcher's helper (process-launcher.ts): a small process that starts the processes
 * its parent asks for (ffmpeg) and reports how each ended, several at once.
 */
import { serveChild } from './child-serve';
import { runProcess, type ProcessLimits } from './run-process';

serveChild({
  run: (binary: string, args: string[], limits: ProcessLimits) => runProcess(binary, args, limits),
});
