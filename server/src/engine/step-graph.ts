import type { PipelineDef } from './pipeline';

/** A pipeline's steps as a graph: each step's needs (names), resolved from `after` or the list order. */
export interface StepGraph {
  /** Step name -> the names of the steps it needs, every one a step of the pipeline. */
  needs: ReadonlyMap<string, readonly string[]>;
  /** Sum of the steps' weights (1 when they sum to 0): a job's progress is measured against it. */
  totalWeight: number;
}

const graphs = new WeakMap<PipelineDef, StepGraph>();

/**
 * The pipeline's step graph, built once per definition. A step without `after` needs the step
 * listed before it, so a pipeline that names no needs runs as a chain, as pipelines did before.
 * Throws an Error naming the pipeline and the step for a step name used twice, a need that names
 * no step of the pipeline (or the step itself), and a cycle (listing its steps in order).
 */
export function stepGraph(def: PipelineDef): StepGraph {
  const known = graphs.get(def);
  if (known) return known;
  const needs = new Map<string, readonly string[]>();
  for (const [i, step] of def.steps.entries()) {
    if (needs.has(step.name)) throw new Error(`pipeline ${def.id}: step ${step.name} is listed twice`);
    const after = step.after ?? (i > 0 ? [def.steps[i - 1]!.name] : []);
    needs.set(step.name, [...new Set(after)]);
  }
  for (const [name, list] of needs) {
    for (const need of list) {
      if (need === name) throw new Error(`pipeline ${def.id}: step ${name} names itself in after`);
      if (!needs.has(need)) throw new Error(`pipeline ${def.id}: step ${name} needs ${need}, which is not a step of this pipeline`);
    }
  }
  const cycle = findCycle(needs);
  if (cycle) throw new Error(`pipeline ${def.id}: steps need one another in a cycle: ${cycle.join(' -> ')}`);
  const graph = { needs, totalWeight: def.steps.reduce((a, s) => a + s.weight, 0) || 1 };
  graphs.set(def, graph);
  return graph;
}

/** A cycle of needs as step names (the first repeated at the end), or null when there is none. */
function findCycle(needs: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'closed'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'closed') return null;
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    path.push(name);
    for (const need of needs.get(name) ?? []) {
      const found = visit(need);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'closed');
    return null;
  };
  for (const name of needs.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return null;
}
