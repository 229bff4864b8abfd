import { isResumed, isWaiting } from '../core/jobs/step-waits';
import type { JobStep, Json, JsonObject } from '../core/ports/store';
import type { PipelineDef, StepDef } from './pipeline';
import { stepGraph } from './step-graph';

/**
 * What a run knows of one step: not started (or lost mid-step by a crash), failed and to be tried
 * again, waiting for its event, resumed with its event, or done (never run again).
 */
export type StepPhase = 'pending' | 'retry' | 'waiting' | 'resumed' | 'done';

/** A step's phase from its record (none: pending). */
export function phaseOf(record: JobStep | undefined): StepPhase {
  if (!record) return 'pending';
  if (record.status === 'done') return 'done';
  if (record.status === 'failed') return 'retry';
  if (isWaiting(record)) return 'waiting';
  if (isResumed(record)) return 'resumed';
  return 'pending';
}

/** The phases of every step of the pipeline, from the job's step records. */
export function phasesOf(def: PipelineDef, records: JobStep[]): Map<string, StepPhase> {
  const byName = new Map(records.map((r) => [r.name, r]));
  return new Map(def.steps.map((s) => [s.name, phaseOf(byName.get(s.name))]));
}

/**
 * The steps that may start now, in list order: not done, not waiting, not in `busy` (running, or
 * backing off before a retry), and every step they need done.
 */
export function readySteps(def: PipelineDef, phases: ReadonlyMap<string, StepPhase>, busy: ReadonlySet<string>): StepDef[] {
  const { needs } = stepGraph(def);
  return def.steps.filter((step) => {
    const phase = phases.get(step.name);
    if (phase === 'done' || phase === 'waiting' || busy.has(step.name)) return false;
    return needs.get(step.name)!.every((n) => phases.get(n) === 'done');
  });
}

export const allDone = (phases: ReadonlyMap<string, StepPhase>): boolean => [...phases.values()].every((p) => p === 'done');

/**
 * The job's progress, 0..1: the sum over steps of weight x fraction done (a done step counts 1,
 * others their last reported fraction, none 0), over the pipeline's total weight.
 */
export function progressOf(def: PipelineDef, phases: ReadonlyMap<string, StepPhase>, fractions: ReadonlyMap<string, number>): number {
  const { totalWeight } = stepGraph(def);
  const done = def.steps.reduce((sum, s) => {
    const f = phases.get(s.name) === 'done' ? 1 : Math.min(1, Math.max(0, fractions.get(s.name) ?? 0));
    return sum + s.weight * f;
  }, 0);
  return Math.min(1, done / totalWeight);
}

/** Outputs of the done steps, by name: what the steps after them read as `ctx.outputs`. */
export function doneOutputs(records: JobStep[]): Record<string, Json> {
  return Object.fromEntries(records.filter((r) => r.status === 'done').map((r) => [r.name, r.output]));
}

/**
 * The attempt a step's next run is: failures counted so far plus one. A crash mid-step is not
 * counted here (the reconciler counts worker losses).
 */
export const nextAttempt = (record: JobStep | undefined): number => (record?.status === 'failed' ? record.attempts : 0) + 1;

/** A resumed wait's payload, which rides in the step's output until the step is done (surviving crashes and retries). */
export const resumedEvent = (record: JobStep | undefined): Json | undefined => (record?.output as JsonObject | null | undefined)?.event;
