/**
 * The part of JSON Schema (draft 2020-12) that structured-output requests use in practice:
 * `type` (one or a list of object, array, string, number, integer, boolean, null), `properties`,
 * `required`, `items`, `enum`, `const`, `minItems`/`maxItems`, `minLength`/`maxLength`,
 * `minimum`/`maximum`, `anyOf`/`oneOf`. Other keywords are ignored: a value is checked for what
 * is understood, and a model answering a schema it was given is checked just as far.
 */
export type JsonSchema = Record<string, unknown>;

/**
 * What is wrong with `value` under `schema`, one line per problem with the JSON path
 * (`$.scenes[2].title: expected string, got number`); empty when it matches. At most 20 lines.
 */
export function schemaProblems(value: unknown, schema: JsonSchema, path = '$'): string[] {
  const out: string[] = [];
  check(value, schema, path, out);
  return out.slice(0, 20);
}

function check(value: unknown, schema: JsonSchema, path: string, out: string[]): void {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options) && options.length > 0) {
    const matches = options.some((o) => schemaProblems(value, o, path).length === 0);
    if (!matches) out.push(`${path}: matches none of the ${options.length} allowed shapes`);
    return;
  }
  if ('const' in schema && !sameJson(value, schema.const)) out.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, value))) {
    out.push(`${path}: expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
    return;
  }
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((t) => isType(value, t))) {
    out.push(`${path}: expected ${types.join(' or ')}, got ${kindOf(value)}`);
    return;
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength} characters`);
  } else if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${path}: below the minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${path}: above the maximum ${schema.maximum}`);
  } else if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push(`${path}: more than ${schema.maxItems} items`);
    const items = schema.items;
    if (isSchema(items)) value.forEach((v, i) => check(v, items, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in obj)) out.push(`${path}: missing required property "${key}"`);
    }
    const props = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    for (const [key, sub] of Object.entries(props)) if (key in obj && isSchema(sub)) check(obj[key], sub, `${path}.${key}`, out);
  }
}

/**
 * A value that satisfies `schema`, built from `pick` (numbers in [0, 1), a seeded generator for a
 * deterministic value) and `text` (a string for a property, e.g. stub prose). Every property of an
 * object is filled in, an enum gives one of its values, an array `minItems` items (3 when unset,
 * within `maxItems`), a number a value within its bounds.
 */
export function sampleFromSchema(schema: JsonSchema, gen: { pick: () => number; text: (path: string) => string }, path = '$'): unknown {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options) && options.length > 0) return sampleFromSchema(options[0]!, gen, path);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[Math.floor(gen.pick() * schema.enum.length)];
  const type = typesOf(schema).find((t) => t !== 'null') ?? (isSchema(schema.properties) ? 'object' : typesOf(schema)[0] ?? 'string');
  switch (type) {
    case 'object': {
      const props = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
      return Object.fromEntries(Object.entries(props).map(([k, sub]) => [k, sampleFromSchema(isSchema(sub) ? sub : {}, gen, `${path}.${k}`)]));
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const n = Math.max(min, Math.min(max, typeof schema.minItems === 'number' ? schema.minItems : 3));
      const items = isSchema(schema.items) ? schema.items : {};
      return Array.from({ length: n }, (_, i) => sampleFromSchema(items, gen, `${path}[${i}]`));
    }
    case 'integer':
    case 'number': {
      const lo = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const hi = typeof schema.maximum === 'number' ? schema.maximum : lo + 100;
      const v = lo + gen.pick() * (hi - lo);
      return type === 'integer' ? Math.min(Math.floor(hi), Math.max(Math.ceil(lo), Math.round(v))) : Math.round(v * 100) / 100;
    }
    case 'boolean':
      return gen.pick() < 0.5;
    case 'null':
      return null;
    default: {
      let s = gen.text(path);
      if (typeof schema.maxLength === 'number') s = Array.from(s).slice(0, schema.maxLength).join('');
      if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, '.');
      return s;
    }
  }
}

const isSchema = (v: unknown): v is JsonSchema => v !== null && typeof v === 'object' && !Array.isArray(v);

function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    default: return true;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
