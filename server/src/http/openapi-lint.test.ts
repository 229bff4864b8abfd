import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../composition/openapi-document';

// The document the API serves, every app and the admin routes included, built by the same
// createApp as the server (and the console's client generator), without a database.
const served = () => JSON.parse(JSON.stringify(openapiDocument()));

/**
 * Warnings we accept, each with its reason. `info-license`: the project has not chosen a license,
 * and the document must not claim one it does not have.
 */
const ACCEPTED_WARNINGS = new Set(['info-license']);

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended rules, every operation named once', async () => {
    const doc = served();
    // Offline: the recommended ruleset ships in the package; the document has no external $refs.
    // Generated clients name their methods by operationId, so a missing one is an error here, not a warning.
    const config = await createConfig({ extends: ['recommended'], rules: { 'operation-operationId': 'error' } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const shown = problems
      .filter((p) => p.severity === 'error' || !ACCEPTED_WARNINGS.has(p.ruleId))
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(shown).toEqual([]);
  });

  it('declares who may call each operation: a bearer token, or `security: []` for the public ones', async () => {
    const doc = served();
    const ops = Object.values(doc.paths as Record<string, Record<string, { security?: unknown[]; operationId: string }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const op of ops) expect(op.security, op.operationId).toBeInstanceOf(Array);
    // The GPU worker's callback has no token: it is signed with its job's secret (Standard Webhooks).
    expect(ops.filter((op) => op.security!.length === 0).map((op) => op.operationId)).toEqual(['signUpAnonymously', 's3SignUpAnonymously', 's3GpuCallback']);
  });
});
