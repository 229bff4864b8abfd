import { PROVIDER_CAPABILITIES, type Providers } from '../core/ports/providers';
import { RoutedModeration } from '../adapters/providers/routing/routed-moderation';
import { RoutedProvider } from '../adapters/providers/routing/routed-provider';
import type { ListedProvider } from '../services/providers/provider-health';

/**
 * Each capability's providers in the order they are tried, for GET /v1/admin/providers: a router's
 * list (`IMAGE_PROVIDERS=fal,replicate`), or the one provider of a capability that is not routed.
 * Give it the providers as built, before any wrapper (a recording one) hides the router.
 */
export function listProviders(providers: Providers): ListedProvider[] {
  return PROVIDER_CAPABILITIES.flatMap((capability) => {
    const p = providers[capability];
    if (p instanceof RoutedProvider || p instanceof RoutedModeration) {
      return p.members().map((m) => ({ capability, provider: m.name, position: m.position, model: m.model }));
    }
    return [{ capability, provider: p.name, position: 0, model: p.model ?? null }];
  });
}
