import { readFile } from 'node:fs/promises';

/**
 * Resident and peak resident memory of a process in bytes, from /proc/<pid>/status (Linux).
 * Null where /proc is missing (macOS, Windows) or the process is gone: callers then bound time only.
 */
export async function processMemory(pid: number): Promise<{ rss: number; peak: number } | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    // No /proc (not Linux) or the process has exited: both mean there is nothing to measure.
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const rss = kb('VmRSS');
  return Number.isFinite(rss) ? { rss, peak: Math.max(rss, kb('VmHWM') || 0) } : null;
}
