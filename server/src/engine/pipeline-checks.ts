import type { z } from 'zod';
import { FatalStepError } from '../core/jobs/step-errors';
import type { Job, Json } from '../core/ports/store';
import type { PipelineDef, StepContext, StepDef, StepOutcome } from './pipeline';

/**
 * The worker boundary of typed pipelines (see pipeline.ts). Each step of a registered pipeline is
 * wrapped so that it
 * - parses the job's input with the pipeline's schema before it runs (and before a poll): a job
 *   whose input does not fit fails at its first step with INVALID_JOB_INPUT, fatal, so the runner's
 *   failure path fails the job and refunds it (services/jobs/fail-job.ts);
 * - parses its output with its own schema before the engine records it: INVALID_STEP_OUTPUT, fatal,
 *   with the path of the first issue. What is recorded is the parsed value (unknown keys dropped).
 * The engine itself stays untyped: it sees `Json` in and out.
 */
export function checkedPipeline<I>(def: PipelineDef<I>): PipelineDef<I> {
  return { ...def, steps: def.steps.map((step) => checkedStep(def, step)) };
}

function checkedStep<I>(pipeline: PipelineDef<I>, step: StepDef<I>): StepDef<I> {
  const typed = (ctx: StepContext<I>): StepContext<I> => ({ ...ctx, input: parseInput(pipeline, ctx.job) });
  return {
    ...step,
    run: async (ctx): Promise<StepOutcome | void> => {
      const outcome = await step.run(typed(ctx));
      if (outcome && 'wait' in outcome) return outcome;
      return { output: parseOutput(step, (outcome && 'output' in outcome ? outcome.output : null) ?? null) };
    },
    ...(step.poll ? { poll: (ctx: StepContext<I>) => step.poll!(typed(ctx)) } : {}),
  };
}

/** The job's input as the pipeline's schema parses it; throws FatalStepError INVALID_JOB_INPUT. */
export function parseInput<I>(pipeline: PipelineDef<I>, job: Job): I {
  const parsed = pipeline.input.safeParse(job.input);
  if (parsed.success) return parsed.data;
  throw new FatalStepError(`The job's input does not fit pipeline ${pipeline.id}: ${firstIssue(parsed.error)}`, 'INVALID_JOB_INPUT');
}

/** `output` as the step's schema parses it; throws FatalStepError INVALID_STEP_OUTPUT. */
export function parseOutput<O extends Json>(step: StepDef<any, O>, output: Json): O {
  const parsed = step.output.safeParse(output);
  if (parsed.success) return parsed.data;
  throw new FatalStepError(`Step ${step.name} returned an output its schema refuses: ${firstIssue(parsed.error)}`, 'INVALID_STEP_OUTPUT');
}

/**
 * `ctx.output(step)` over the outputs recorded so far: each was parsed by its step's schema when it
 * was recorded, so it is only looked up here. A missing one is a pipeline defect (a step reading a
 * step it does not run after): fatal, MISSING_STEP_OUTPUT.
 */
export function outputReader(outputs: Record<string, Json>) {
  return <O extends Json>(step: StepDef<any, O>): O => {
    if (!Object.hasOwn(outputs, step.name)) throw new FatalStepError(`Step ${step.name} has not finished; its output was read too early`, 'MISSING_STEP_OUTPUT');
    return outputs[step.name] as O;
  };
}

/** The job's `result` once every step is done: the pipeline's `result` on its parsed input and outputs, else null. */
export async function pipelineResult(pipeline: PipelineDef, job: Job, outputs: Record<string, Json>): Promise<Json> {
  if (!pipeline.result) return null;
  return pipeline.result({ job, input: parseInput(pipeline, job), outputs, output: outputReader(outputs) });
}

/** `photos.0.key: Invalid input: expected string, received undefined`: where and what, from zod's first issue. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`;
}
