import type { JobStep, JobWait, StepWait } from '../ports/store';

/** A step that still waits for its event (a resumed step keeps status `waiting` but has no wait). */
export const isWaiting = (s: JobStep): s is JobStep & { wait: StepWait } => s.status === 'waiting' && !!s.wait;

/** A step whose event arrived: it runs again with `ctx.event`. */
export const isResumed = (s: JobStep): boolean => s.status === 'waiting' && !s.wait;

/**
 * The job-level wait of a job whose steps wait: `wait` names the step with the earliest deadline,
 * `waitDeadline` is that deadline (the reconciler fails the job past it), `nextPollAt` the earliest
 * next poll of any polled step (null when none is polled). Null when no step waits.
 */
export function jobWaitOf(steps: JobStep[]): { wait: JobWait; waitDeadline: Date; nextPollAt: Date | null } | null {
  const waiting = steps.filter(isWaiting);
  if (waiting.length === 0) return null;
  const first = waiting.reduce((a, b) => (Date.parse(b.wait.deadline) < Date.parse(a.wait.deadline) ? b : a));
  const polls = waiting.flatMap((s) => (s.wait.nextPollAt ? [Date.parse(s.wait.nextPollAt)] : []));
  return {
    wait: {
      step: first.name, reason: first.wait.reason, token: first.wait.token,
      ...(first.wait.pollIntervalMs ? { pollIntervalMs: first.wait.pollIntervalMs } : {}),
    },
    waitDeadline: new Date(first.wait.deadline),
    nextPollAt: polls.length ? new Date(Math.min(...polls)) : null,
  };
}

/** The longest a polled step goes between two polls once its backoff has grown (unless its own interval is longer). */
export const MAX_POLL_BACKOFF_MS = 30_000;

/**
 * How long after its `polls`-th poll (1, 2, ...) a waiting step is polled again, in ms: its interval
 * doubled at each poll, up to MAX_POLL_BACKOFF_MS (an interval already longer stays as it is). The
 * webhook is what usually resumes a step; polls find the one that never comes, and a prediction
 * that has run for minutes is found a little later at far less cost than every 5 s.
 */
export function pollDelayAfter(pollIntervalMs: number, polls: number): number {
  return Math.max(pollIntervalMs, Math.min(MAX_POLL_BACKOFF_MS, pollIntervalMs * 2 ** polls));
}
