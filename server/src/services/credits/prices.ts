import type { Settings } from '../deps';

/** Credits of each priced action, by `<app>.<action>` (`studio.image`): apps' defaults, then the operator's PRICES. */
export type PriceTable = Record<string, number>;

/**
 * The table of the apps given, each contributing its `prices` under its name, with `overrides`
 * (the PRICES setting) on top. Throws on an override no app prices: a typo must not leave a
 * default price in place silently.
 */
export function pricesOf(apps: readonly { name: string; prices?: Record<string, number> }[], overrides: PriceTable = {}): PriceTable {
  const table: PriceTable = {};
  for (const app of apps) for (const [action, credits] of Object.entries(app.prices ?? {})) table[`${app.name}.${action}`] = credits;
  for (const [name, credits] of Object.entries(overrides)) {
    if (!(name in table)) throw new Error(`PRICES: no priced action ${name} (known: ${Object.keys(table).join(', ') || 'none'})`);
    table[name] = credits;
  }
  return table;
}

/** Credits of one action. Throws when it has no price: a missing entry is a wiring fault, not a user's. */
export function priceOf(settings: Pick<Settings, 'prices'>, app: string, action: string): number {
  const credits = settings.prices[`${app}.${action}`];
  if (credits === undefined) throw new Error(`No price for ${app}.${action}`);
  return credits;
}
