import type { Hono } from 'hono';
import type { AppModule } from './app-module';
import type { MetricsEndpoint } from '../core/ports/metrics';
import type { PipelineRegistry } from '../engine/pipeline';
import type { Deps } from '../services/deps';
import type { ProviderWebhooks } from '../services/providers/provider-webhooks';
import type { TokenService } from '../services/identity/tokens';
import type { UserCache } from '../services/identity/user-cache';
import type { JobDetailCache } from '../services/jobs/job-detail-cache';
import type { ListedProvider } from '../services/providers/provider-health';

/** What the HTTP layer is given by the composition. */
export interface Platform {
  deps: Deps;
  tokens: TokenService;
  users: UserCache;
  jobDetails: JobDetailCache;
  pipelines: PipelineRegistry;
  adminApiKey: string | undefined;
  /** Request timings in, the Prometheus exposition out (GET /metrics). */
  metrics: MetricsEndpoint;
  /** When set, GET /metrics requires `Authorization: Bearer <it>`. */
  metricsToken: string | undefined;
  trustProxy: boolean;
  /** Checks for /readyz: each resolves when its dependency answers. */
  readiness: Record<string, () => Promise<void>>;
  /** The apps mounted, from the composition's one list. */
  apps: readonly AppModule[];
  /** How inbound provider webhooks are verified and settled; absent, /webhooks/* answer 503 (not configured). */
  webhooks?: ProviderWebhooks;
  /** Each capability's providers in routing order (GET /v1/admin/providers). */
  providers: readonly ListedProvider[];
  /** Extra routes an adapter serves (the local store's signed URLs). */
  mounts: Hono[];
}
