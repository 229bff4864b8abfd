import type { ComponentType } from 'react';
import type { Lang } from './i18n/messages';

/**
 * What an app gives the console shell; `apps/index.ts` lists them, and the shell builds its routes,
 * header links, job links and text from that list alone. An app imports the platform, never
 * another app.
 */
export interface ConsoleApp<K extends string = string> {
  /** The server's name of the app, as its jobs carry it in `app` (e.g. 'clips'). */
  id: string;
  /**
   * The paths that open its page; the header links to the first. The first app's page is also the
   * fallback for unknown paths. A `:name` segment matches any one segment (`/gallery/:collection/:id`).
   */
  paths: readonly [string, ...string[]];
  /** The message key of its header link. */
  nav: K;
  Page: ComponentType;
  /** Shows one of its jobs at /jobs/:id; without it, the jobs list shows its jobs without a link. */
  JobPage?: ComponentType<{ id: string }>;
  /** Its text in every language, the same keys in each; no key may repeat the platform's or another app's. */
  messages: Record<Lang, Record<K, string>>;
}
