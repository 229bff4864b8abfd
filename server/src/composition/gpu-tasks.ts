import type { GpuTaskRunner } from '../core/ports/gpu-work';
import { GPU_TASK_KIND as RULES_TASK_KIND, runRuleTask } from '../apps/rules/rules-gpu-task';

/**
 * The code a GPU worker runs for each task kind the apps send (GpuTask.kind). Kept apart from the
 * app list (apps.ts) so that a `gpu-worker` process loads the task code alone, not the apps'
 * routes, services and database code: a smaller heap is a cheaper collection of the photos' buffers.
 */
export const GPU_TASKS: Readonly<Record<string, GpuTaskRunner>> = {
  [RULES_TASK_KIND]: runRuleTask,
};
