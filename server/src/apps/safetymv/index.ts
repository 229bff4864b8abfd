import type { AppModule } from '../../http/app-module';
import { MAX_PDF_BYTES, MV_APP, MV_PLAN_LIMITS, MV_PRICES } from './mv-options';
import { planPipeline } from './mv-pipeline';
import { renderPipeline } from './mv-render';
import { mvRoutes } from './mv-routes';

/**
 * Seed 002 (SafetyMV): safety guidelines, typed or a PDF, to a music-video plan with keywords and
 * their evidence, concepts checked by QA, a person's review when wanted, and the character image.
 * Under `/mv`: the seed's `/jobs` would collide with other apps'.
 */
export const safetymvApp: AppModule = {
  name: MV_APP,
  // The multipart limit leaves room for the form around a PDF just over 20 MB, so that one gets its 400 PDF_TOO_LARGE.
  mounts: [{ prefix: '/mv/', errorStyle: 'platform', uploads: [{ path: '/mv/jobs/upload', maxBytes: MAX_PDF_BYTES + 4 * 1024 * 1024 }] }],
  routes: mvRoutes,
  // Not under /mv: that prefix is the API's.
  consolePaths: ['/safetymv', '/safetymv/:jobId'],
  pipelines: [planPipeline, renderPipeline],
  planLimits: MV_PLAN_LIMITS,
  prices: MV_PRICES,
};
