import type { ConsoleApp } from '../console-app';
import { platformMessages, type Lang, type MessageKey } from './messages';

export type Catalog = Record<Lang, Record<MessageKey, string>>;

/**
 * The platform's messages with those of each app. Throws when an app reuses a key of the platform
 * or of an app before it: one would silently replace the other's text.
 */
export function catalog(apps: readonly ConsoleApp[]): Catalog {
  const merged: Record<Lang, Record<string, string>> = { ko: { ...platformMessages.ko }, en: { ...platformMessages.en } };
  for (const app of apps) {
    for (const lang of Object.keys(merged) as Lang[]) {
      for (const [key, text] of Object.entries(app.messages[lang])) {
        if (key in merged[lang]) throw new Error(`console app ${app.id}: message key ${key} is already taken`);
        merged[lang][key] = text;
      }
    }
  }
  return merged as Catalog;
}
