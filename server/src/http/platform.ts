import type { Hono } from 'hono';
import type { PipelineRegistry } from '../pipelines/engine/pipeline';
import type { Deps } from '../services/deps';
import type { TokenService } from '../services/identity/tokens';

/** What the HTTP layer is given by the composition. */
export interface Platform {
  deps: Deps;
  tokens: TokenService;
  pipelines: PipelineRegistry;
  adminApiKey: string | undefined;
  trustProxy: boolean;
  /** Checks for /readyz: each resolves when its dependency answers. */
  readiness: Record<string, () => Promise<void>>;
  /** Extra routes an adapter serves (the local store's signed URLs). */
  mounts: Hono[];
}
