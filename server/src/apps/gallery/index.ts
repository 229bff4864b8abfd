import type { AppModule } from '../../http/app-module';
import { GALLERY_APP, GALLERY_PLAN_LIMITS, GALLERY_PRICES } from './gallery-options';
import { generatePipeline } from './gallery-pipeline';
import { galleryRoutes } from './gallery-routes';

/**
 * Seed 004: representative images of characters, stories and origchat characters: batches of 1..8
 * generated side by side and guarded, and the gallery's primary, order, deletion and crops.
 */
export const galleryApp: AppModule = {
  name: GALLERY_APP,
  mounts: [
    { prefix: '/media/', errorStyle: 'platform' },
    { prefix: '/characters/', errorStyle: 'platform' },
    { prefix: '/stories/', errorStyle: 'platform' },
    { prefix: '/origchats/', errorStyle: 'platform' },
  ],
  routes: galleryRoutes,
  consolePaths: ['/gallery', '/gallery/:collection/:id'],
  pipelines: [generatePipeline],
  planLimits: GALLERY_PLAN_LIMITS,
  prices: GALLERY_PRICES,
};
