import type { Platform } from '../http/platform';
import { createApp, OPENAPI_CONFIG } from '../http/app';
import { APPS } from './apps';

/**
 * The whole API's OpenAPI document, admin routes included, built from the route definitions
 * alone: no database or queue is opened (the console's typed client is generated from it).
 */
export function openapiDocument() {
  const inert = new Proxy({}, { get: () => () => undefined });
  const platform = { deps: { log: inert }, adminApiKey: 'document-only', apps: APPS, mounts: [], readiness: {} } as unknown as Platform;
  return createApp(platform).getOpenAPI31Document(OPENAPI_CONFIG);
}
