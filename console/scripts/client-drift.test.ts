import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderClientTypes } from './render-client-types';

describe('the console’s typed client', () => {
  it('matches the server’s OpenAPI document (run `npm run gen:client` after changing a route)', async () => {
    const committed = readFileSync(new URL('../src/platform/api/schema.d.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderClientTypes());
  });
});
