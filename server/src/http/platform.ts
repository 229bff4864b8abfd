import type { Hono } from 'hono';
import type { AppModule } from './app-module';
import type { PipelineRegistry } from '../engine/pipeline';
import type { Deps } from '../services/deps';
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
  trustProxy: boolean;
  /** Checks for /readyz: each resolves when its dependency answers. */
  readiness: Record<string, () => Promise<void>>;
  /** The apps mounted, from the composition's one list. */
  apps: readonly AppModule[];
  /** Each capability's providers in routing order (GET /v1/admin/providers). */
  providers: readonly ListedProvider[];
  /** Extra routes an adapter serves (the local store's signed URLs). */
  mounts: Hono[];
}
