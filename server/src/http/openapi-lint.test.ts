import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ startWorker: false });
});
afterAll(async () => t?.dispose());

/**
 * Warnings we accept, each with its reason. `info-license`: the project has not chosen a license,
 * and the document must not claim one it does not have.
 */
const ACCEPTED_WARNINGS = new Set(['info-license']);

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended rules as served, every operation named once', async () => {
    const doc = await t.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    // Offline: the recommended ruleset ships in the package; the document has no external $refs.
    // Generated clients name their methods by operationId, so a missing one is an error here, not a warning.
    const config = await createConfig({ extends: ['recommended'], rules: { 'operation-operationId': 'error' } });
    const problems = await lintFromString({ source: JSON.stringify(doc.body), absoluteRef: 'openapi.json', config });
    const shown = problems
      .filter((p) => p.severity === 'error' || !ACCEPTED_WARNINGS.has(p.ruleId))
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(shown).toEqual([]);
  });

  it('declares who may call each operation: a bearer token, or `security: []` for the public ones', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    const ops = Object.values(doc.paths as Record<string, Record<string, { security?: unknown[]; operationId: string }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const op of ops) expect(op.security, op.operationId).toBeInstanceOf(Array);
    expect(ops.filter((op) => op.security!.length === 0).map((op) => op.operationId)).toEqual(['signUpAnonymously']);
  });
});
