import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../composition/openapi-document';

// The document the API serves, every app and the admin routes included, built by the same
// createApp as the server (and the console's client generator), without a database.
const served = () => JSON.parse(JSON.stringify(openapiDocument()));

/**
 * Warnings we accept, each with its reason (and where, when it is one place). `info-license`: the
 * project has not chosen a license, and the document must not claim one it does not have. The
 * gallery's stable image path answers only with a redirect to the image's signed URL (its bytes
 * come from the storage, S3 included, not through the API).
 */
const ACCEPTED_WARNINGS: { rule: string; at?: string }[] = [
  { rule: 'info-license' },
  { rule: 'operation-2xx-response', at: '#/paths/~1media~1assets~1{asset_id}/get/responses' },
];
const accepted = (p: { ruleId: string; location: { pointer?: string }[] }) =>
  ACCEPTED_WARNINGS.some((w) => w.rule === p.ruleId && (w.at === undefined || w.at === p.location[0]?.pointer));

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended rules, every operation named once', async () => {
    const doc = served();
    // Offline: the recommended ruleset ships in the package; the document has no external $refs.
    // Generated clients name their methods by operationId, so a missing one is an error here, not a warning.
    const config = await createConfig({ extends: ['recommended'], rules: { 'operation-operationId': 'error' } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const shown = problems
      .filter((p) => p.severity === 'error' || !accepted(p))
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(shown).toEqual([]);
  });

  it('declares who may call each operation: a bearer token, `security: []` for the public ones, or either for public reads a token shows more of', async () => {
    const doc = served();
    const ops = Object.values(doc.paths as Record<string, Record<string, { security?: unknown[]; operationId: string }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const op of ops) expect(op.security, op.operationId).toBeInstanceOf(Array);
    // The GPU worker's callback has no token: it is signed with its job's secret (Standard Webhooks).
    expect(ops.filter((op) => op.security!.length === 0).map((op) => op.operationId)).toEqual(['signUpAnonymously', 's3SignUpAnonymously', 's3GpuCallback']);
    // The gallery's public reads: anyone, and with a token the caller's private entities too.
    const optional = ops.filter((op) => JSON.stringify(op.security) === JSON.stringify([{}, { bearerAuth: [] }])).map((op) => op.operationId);
    expect(optional).toEqual(expect.arrayContaining(['getGalleryImage', 'listCharacters', 'getStory', 'listOrigchatImages']));
    expect(optional).toHaveLength(11);
  });
});
