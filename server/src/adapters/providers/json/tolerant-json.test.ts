import { describe, expect, it } from 'vitest';
import { schemaProblems } from './simple-schema';
import { parseTolerantJson } from './tolerant-json';

describe('parseTolerantJson', () => {
  it('reads plain JSON, a code fence, and JSON inside prose', () => {
    expect(parseTolerantJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseTolerantJson('```json\n{"a": [1, 2]}\n```')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseTolerantJson('Sure! Here it is:\n{"a": "x } y", "b": {"c": true}}\nHope that helps {smile}')).toEqual({ ok: true, value: { a: 'x } y', b: { c: true } } });
    expect(parseTolerantJson('The list: [{"a": 1}, {"a": 2}] done')).toEqual({ ok: true, value: [{ a: 1 }, { a: 2 }] });
  });

  it('says why when nothing parses', () => {
    const out = parseTolerantJson('{"a": 1,, }');
    expect(out.ok).toBe(false);
    expect(parseTolerantJson('no json here')).toEqual({ ok: false, error: 'no JSON value in the answer' });
  });
});

describe('schemaProblems', () => {
  const schema = {
    type: 'object', required: ['name', 'items'],
    properties: { name: { type: 'string' }, kind: { enum: ['a', 'b'] }, items: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } } },
  };
  it('is empty for a match and names each problem by path otherwise', () => {
    expect(schemaProblems({ name: 'x', kind: 'a', items: [1, 2] }, schema)).toEqual([]);
    expect(schemaProblems({ kind: 'c', items: [1, -1, 'z'] }, schema)).toEqual([
      '$: missing required property "name"',
      '$.kind: expected one of "a", "b", got "c"',
      '$.items[1]: below the minimum 0',
      '$.items[2]: expected integer, got string',
    ]);
    expect(schemaProblems([], schema)).toEqual(['$: expected object, got array']);
  });
});
