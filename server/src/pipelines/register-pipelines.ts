import { clipsPipeline, trailerPipeline } from './clips/clips-pipelines';
import type { PipelineRegistry } from './engine/pipeline';

/** Every app's pipelines. */
export function registerPipelines(registry: PipelineRegistry): void {
  registry.register(clipsPipeline).register(trailerPipeline);
}
