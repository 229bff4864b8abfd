import type { AppModule } from '../../http/app-module';
import { STUDIO_PLAN_LIMITS, STUDIO_PRICES } from './studio-options';
import { imagePipeline, promptPipeline, STUDIO_APP, videoPipeline } from './studio-pipelines';
import { studioRoutes } from './studio-routes';

/** Seed 001: idea -> prompt -> image -> video, with history, under `/api` with its flat `{error, code}` errors. */
export const studioApp: AppModule = {
  name: STUDIO_APP,
  mounts: [{ prefix: '/api/', errorStyle: 'flat' }],
  routes: studioRoutes,
  consolePaths: ['/studio'],
  pipelines: [promptPipeline, imagePipeline, videoPipeline],
  planLimits: STUDIO_PLAN_LIMITS,
  prices: STUDIO_PRICES,
};
