/** Writes console/src/platform/api/schema.d.ts from the server's route definitions (`npm run gen:client`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderClientTypes } from './render-client-types';

const out = fileURLToPath(new URL('../src/platform/api/schema.d.ts', import.meta.url));
writeFileSync(out, await renderClientTypes());
console.log(`wrote ${out}`);
