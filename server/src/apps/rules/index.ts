import type { AppModule } from '../../http/app-module';
import { toSeedError } from './rules-errors';
import { RULES_APP } from './rules-app-name';
import { RULES_PLAN_LIMITS, RULES_PRICES } from './rules-options';
import { rulesRoutes } from './rules-routes';
import { batchPipeline } from './rules-pipeline';
import { sweepRulesDrafts } from './rules-sweep';

/**
 * Seed 003 ("S3 API Contracts", a product's name, not Amazon S3): presets, saved rules and batch
 * photo jobs under `/s3`, every answer in its envelope with its ten error codes.
 */
export const rulesApp: AppModule = {
  name: RULES_APP,
  mounts: [{ prefix: '/s3/', errorStyle: 'envelope', mapError: toSeedError }],
  routes: rulesRoutes,
  consolePaths: ['/rules', '/rules/batch'],
  pipelines: [batchPipeline],
  planLimits: RULES_PLAN_LIMITS,
  sweep: sweepRulesDrafts,
  prices: RULES_PRICES,
};
