import type { AppModule } from '../../http/app-module';
import { CLIPS_PLAN_LIMITS } from './clips-options';
import { clipsPipeline, trailerPipeline } from './clips-pipelines';
import { clipsRoutes } from './clips-routes';
import { CLIPS_APP } from './clips-service';

/** Seed 000: photos to a pack of clips or a trailer, under `/api` with its flat `{error, code}` errors. */
export const clipsApp: AppModule = {
  name: CLIPS_APP,
  mounts: [{ prefix: '/api/', errorStyle: 'flat' }],
  routes: clipsRoutes,
  consolePaths: ['/', '/clips'],
  pipelines: [clipsPipeline, trailerPipeline],
  planLimits: CLIPS_PLAN_LIMITS,
};
