/**
 * Hostile requests derived from an OpenAPI document, for the fuzz test: every operation gets a
 * plausible request (from its schemas, with real ids where a field names one), then one part at a
 * time is replaced by a hostile value. Nothing here asserts; the test decides what a good answer is.
 */

export interface HostileRequest {
  /** What was varied, for the failure message. */
  label: string;
  method: string;
  /** Path and query, already percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

/** A real value for a field or parameter by name (and path template), so that the parts not being varied pass validation. */
export type KnownValues = (name: string, template: string) => unknown;

const RAW = '\u0001raw:';
/** A JSON value whose text JSON.stringify cannot produce (`1e999` parses to Infinity). */
const raw = (text: string) => `${RAW}${text}`;

/** Values for a JSON field: broken text, numbers out of every range, wrong types. */
export const HOSTILE_JSON: unknown[] = [
  '\u0000', 'a\u0000b', 'abc\ud83d', '\udc00x', '\ud83d\ud83d', '\ufffe\uffff', '\u202egnp.exe', '👨\u200d👩\u200d👧',
  'ignore\u2060 previous', 'x'.repeat(20_000), 'e\u0301', '', ' ', '%00', '%ff', '../../etc/passwd', "'; drop table jobs; --", '0x10', '1e3', 'NaN',
  0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, 5e-324, raw('1e999'), raw('-1e999'), raw('123456789012345678901234567890'),
  true, false, null, [], ['a'], ['\u0000'], {}, { $gt: '' }, { '\u0000': 1 }, [[[[]]]],
];

/** Values for a query parameter, as sent (already encoded). */
export const HOSTILE_QUERY: string[] = [
  '%00', 'a%00b', '%ff', '%ed%a0%bd', '%F0%9F%98%80', '%E2%80%AE', '-1', '0', '0x10', '1e3', '1.5', '+5', '%201', 'NaN', 'Infinity',
  '99999999999999999999', '9007199254740993', '', 'x'.repeat(5000), 'true', '%5B%5D',
];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** Cursors: each decodes to something no page of ours ever ended on. */
export const HOSTILE_CURSORS: string[] = [
  b64('-005000-01-01T00:00:00.000Z|x'), b64('+275760-09-13T00:00:00.000Z|x'), b64('+200000-01-01T00:00:00.000Z|x'), b64('0|x'),
  b64('2020-01-01T00:00:00.000Z|\u0000'), b64('2020-01-01T00:00:00.000Z|a\u0000b'), b64('2020-01-01T00:00:00.000Z|'), b64('|x'),
  b64('2020-01-01T00:00:00.000Z|x|y'), b64(`2020-01-01T00:00:00.000Z|${'x'.repeat(150)}`), Buffer.from([0xff, 0xfe, 0x7c, 0x00]).toString('base64url'),
  '%00', '!!!', '====', b64('1e15|x'), b64('99999|x'),
];

/** Values for a path parameter, as sent. */
export const HOSTILE_PATH: string[] = [
  '%00', 'a%00b', '%ff', '%ed%a0%bd', '%F0%9F%98%80', '%2e%2e', 'x'.repeat(101), 'x'.repeat(5000), '%20', '-1', '0', 'null', '%5B%5D', '%25', 'a%2Fb',
];

/** Whole bodies that are not what a JSON route takes. */
const HOSTILE_BODIES: { label: string; headers: Record<string, string>; body?: string }[] = [
  { label: 'no body', headers: {} },
  { label: 'empty JSON body', headers: { 'content-type': 'application/json' }, body: '' },
  { label: 'truncated JSON', headers: { 'content-type': 'application/json' }, body: '{"a":' },
  { label: 'JSON null', headers: { 'content-type': 'application/json' }, body: 'null' },
  { label: 'JSON array', headers: { 'content-type': 'application/json' }, body: '[]' },
  { label: 'JSON string', headers: { 'content-type': 'application/json' }, body: '"x"' },
  { label: 'JSON number', headers: { 'content-type': 'application/json' }, body: '1e999' },
  { label: 'trailing garbage', headers: { 'content-type': 'application/json' }, body: '{}garbage' },
  { label: 'byte-order mark', headers: { 'content-type': 'application/json' }, body: '\ufeff{}' },
  { label: 'deep nesting', headers: { 'content-type': 'application/json' }, body: '['.repeat(10_000) + ']'.repeat(10_000) },
  { label: 'over the size limit', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) },
  { label: 'text/plain', headers: { 'content-type': 'text/plain' }, body: '{}' },
  { label: 'form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
  { label: 'multipart', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
  { label: 'no content type', headers: {}, body: '{}' },
  { label: 'odd charset', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{}' },
  { label: 'bogus content type', headers: { 'content-type': ';;;' }, body: '{}' },
];

function resolve(doc: Doc, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[String(s.$ref).split('/').pop()!]);
  return s;
}

/** A value the schema accepts, taking real ids from `known` by property name. */
function sample(doc: Doc, schema: Schema | undefined, known: (name: string) => unknown, name?: string): unknown {
  const real = name === undefined ? undefined : known(name);
  if (real !== undefined) return real;
  const s = resolve(doc, schema);
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const alt = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alt) return sample(doc, alt[0], known, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': return 'fuzz';
    case 'integer': case 'number': return Math.max(1, Math.min(s.minimum ?? 1, s.maximum ?? 1));
    case 'boolean': return false;
    case 'array': return [sample(doc, s.items, known)];
    case 'object': case undefined:
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(doc, v as Schema, known, k)]));
    default: return null;
  }
}

/** Every path to a leaf of a JSON value, arrays and objects included as leaves too. */
function leafPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...leafPaths(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...leafPaths(v, [...at, k]));
  return out;
}

function withValue(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = replacement;
  return copy;
}

const stringify = (value: unknown) => JSON.stringify(value).replace(/"\\u0001raw:([^"]*)"/g, '$1');

/**
 * Hostile requests for every operation of the document: each path parameter, query parameter and
 * body field varied alone over the hostile values, then whole bodies of the wrong kind.
 */
export function hostileRequests(doc: Doc, known: KnownValues): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    // No route: a method the path does not take, and a segment too many.
    const concrete = template.replace(/\{\w+\}/g, 'x');
    const unused = ['delete', 'put', 'patch', 'post', 'get'].find((m) => !(m in ops))!;
    out.push({ label: `${unused.toUpperCase()} ${template}: no such method`, method: unused.toUpperCase(), url: concrete, headers: {} });
    out.push({ label: `GET ${template}/extra: no such path`, method: 'GET', url: `${concrete}/extra`, headers: {} });
    for (const [method, op] of Object.entries(ops)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const params: Schema[] = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const query = params.filter((p) => p.in === 'query');
      const jsonSchema = op.requestBody?.content?.['application/json']?.schema;
      const knownHere = (name: string) => known(name, template);
      const body = jsonSchema ? sample(doc, jsonSchema, knownHere) : undefined;
      const pathValue = (p: Schema) => encodeURIComponent(String(sample(doc, p.schema, knownHere, p.name)));
      const build = (label: string, path: Record<string, string>, q: [string, string][], b: { headers: Record<string, string>; body?: string } | undefined): HostileRequest => {
        const url = template.replace(/\{(\w+)\}/g, (_, n: string) => path[n] ?? '') + (q.length ? `?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
        return { label: `${method.toUpperCase()} ${template}: ${label}`, method: method.toUpperCase(), url, headers: b?.headers ?? {}, body: b?.body };
      };
      const basePath = Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p)]));
      const baseBody = body === undefined ? undefined : { headers: { 'content-type': 'application/json' }, body: stringify(body) };

      for (const p of pathParams) {
        for (const v of HOSTILE_PATH) out.push(build(`path ${p.name}=${v.slice(0, 20)}`, { ...basePath, [p.name]: v }, [], baseBody));
      }
      for (const p of query) {
        const values = [...HOSTILE_QUERY, ...HOSTILE_CURSORS];
        for (const v of values) out.push(build(`query ${p.name}=${v.slice(0, 20)}`, basePath, [[p.name, v]], baseBody));
        out.push(build(`query ${p.name} twice`, basePath, [[p.name, '1'], [p.name, '2']], baseBody));
      }
      // Parameters nobody declared are ignored, whatever they hold.
      out.push(build('undeclared query', basePath, [['cursor', '%00'], ['x', '%ff']], baseBody));
      if (body !== undefined) {
        for (const leaf of leafPaths(body)) {
          for (const v of HOSTILE_JSON) {
            const b = stringify(withValue(body, leaf, v));
            out.push(build(`body ${leaf.join('.')}=${JSON.stringify(v)?.slice(0, 20)}`, basePath, [], { headers: { 'content-type': 'application/json' }, body: b }));
          }
        }
        out.push(build('body with an unknown \\u0000 key', basePath, [], { headers: { 'content-type': 'application/json' }, body: stringify({ ...(body as object), '\u0000': '\u0000' }) }));
      }
      if (method !== 'get') for (const b of HOSTILE_BODIES) out.push(build(b.label, basePath, [], b));
    }
  }
  return out;
}
