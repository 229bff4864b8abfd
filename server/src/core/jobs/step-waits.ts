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
