import fc from 'fast-check';

/**
 * Arbitraries for the API fuzzer: requests shaped by an operation of the OpenAPI document, then
 * broken in every way its schema allows (wrong types, huge and deeply nested values, NUL, lone
 * surrogates, invalid UTF-8, malformed JSON, wrong content types).
 */

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema };

export type Operation = {
  method: string;
  /** OpenAPI path, e.g. /api/v1/cases/{id} */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  /** content type -> schema of the request body */
  body: Record<string, JsonSchema> | null;
  bodyRequired: boolean;
  /** answers a stream that never ends (server-sent events) */
  stream: boolean;
};

type OpenApi = { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }; responses?: Record<string, { description?: string; content?: Record<string, unknown> }>; description?: string }>> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document, in a stable order. */
export function operationsOf(doc: OpenApi): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? null;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        query: params.filter((p) => p.in === 'query'),
        body: content ? Object.fromEntries(Object.entries(content).map(([ct, c]) => [ct, c.schema ?? {}])) : null,
        bodyRequired: op.requestBody?.required ?? false,
        stream: JSON.stringify(op).includes('text/event-stream'),
      });
    }
  }
  return ops;
}

/** Strings PostgreSQL, JSON, URL decoders and spreadsheets choke on. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDBFF',
  '\u202Eevil',
  '\uFEFF',
  '𝕏'.repeat(300),
  'İıŞşƏəĞğ',
  "' OR 1=1 --",
  '"; DROP TABLE cases; --',
  '../../../etc/passwd',
  '%00',
  '%ff',
  '\\',
  '=cmd|" /C calc"!A0',
  '<script>alert(1)</script>',
  '0',
  '-1',
  '1e309',
  '9'.repeat(400),
  'NaN',
  'null',
  'true',
  '2026-02-30',
  '0000-00-00',
  '275760-09-14',
  '2026-13-01T25:61:61Z',
  '2026-01-01T00:00:00+99:99',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-00000000000g',
  '__proto__',
  'constructor',
  'a'.repeat(10_001),
];
const NASTY_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 1e21, 123456789012];

export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(1_001, 70_000, 300_000).map((n) => 'x'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\uD800', '\uDC00', 'ə', '\u0000', 'a', '\n'), maxLength: 20 }) },
  );

/** A value nested `depth` levels deep, sometimes past the server's limit (64). */
export const deepValue = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.constantFrom(10, 63, 64, 65, 200, 1000), fc.boolean()).map(([depth, asArray]) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
    return v;
  });

/** Any value at all: the schema's type is ignored. */
export const brokenValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: nastyString() },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...NASTY_NUMBERS, true, false, null, [], {}, [null], { '': null }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: deepValue() },
    { weight: 1, arbitrary: fc.constantFrom(201, 20_000).map((n) => Array.from({ length: n }, (_, i) => i)) },
    { weight: 1, arbitrary: fc.array(nastyString(), { maxLength: 5 }) },
  );

const typesOf = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** A value that mostly fits the schema (so that requests get past validation), at its boundaries. */
export function validish(s: JsonSchema, ids: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options && options.length > 0) return fc.oneof(...options.map((o) => validish(o, ids, depth + 1)));
  if (s.allOf && s.allOf.length > 0) return validish(Object.assign({}, ...s.allOf) as JsonSchema, ids, depth + 1);
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((type) => validish({ ...s, type }, ids, depth + 1)));
  switch (types[0] ?? 'object') {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : Math.max(min, 0) + 1000);
      const lo = Math.max(Number.MIN_SAFE_INTEGER, Math.ceil(Math.min(min, max)));
      const hi = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(Math.max(min, max)));
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: lo, max: hi }) }, { weight: 1, arbitrary: fc.constantFrom(lo, hi, lo - 1, hi + 1) });
    }
    case 'string':
      return stringFor(s, ids);
    case 'array': {
      const items = s.items ?? {};
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? 4, min + 4);
      return fc.array(validish(items, ids, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object':
    default: {
      if (!s.properties) return types[0] === 'object' ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
      const required = new Set(s.required ?? []);
      const entries = Object.entries(s.properties).map(([k, v]) => [k, validish(v, ids, depth + 1)] as const);
      return fc.record(Object.fromEntries(entries), { requiredKeys: [...required].filter((k) => k in s.properties!) });
    }
  }
}

function stringFor(s: JsonSchema, ids: readonly string[]): fc.Arbitrary<string> {
  switch (s.format ?? '') {
    case 'uuid':
      return ids.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
    case 'date':
      return fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2026-02-29', '2024-02-29', '0001-01-01', '9999-12-31'));
    case 'date-time':
      return fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-01-01T00:00:00+14:00'));
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
    default:
      break;
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 2000);
  const sized = fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(min, Math.min(max, min + 30)), unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constant('ə'.repeat(max)) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max + 1)) },
  );
  if (s.pattern) {
    try {
      return fc.oneof({ weight: 3, arbitrary: fc.stringMatching(new RegExp(s.pattern), { size: "small" }) }, { weight: 1, arbitrary: sized });
    } catch {
      return sized;
    }
  }
  return sized;
}

/** An object fitting the schema, with some of its fields replaced by broken values and unknown fields added. */
export function brokenObject(s: JsonSchema, ids: readonly string[]): fc.Arbitrary<unknown> {
  const keys = Object.keys(s.properties ?? {});
  return fc
    .tuple(
      validish(s, ids),
      fc.array(fc.tuple(keys.length > 0 ? fc.constantFrom(...keys) : fc.string({ maxLength: 8 }), brokenValue()), { maxLength: 2 }),
      fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'zzUnknown', 'id', 'agencyId', 'createdBy'), brokenValue()), { freq: 4 }),
    )
    .map(([base, broken, extra]) => {
      if (base === null || typeof base !== 'object' || Array.isArray(base)) return base;
      const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
      for (const [k, v] of broken) out[k] = v;
      if (extra) out[extra[0]] = extra[1];
      return out;
    });
}

export type Payload = { contentType: string | null; body: Buffer | string | null; label: string };

const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]), // {"a":"<lone lead byte>"}
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // {"name":"<CESU surrogate>"}
  Buffer.from([0x22, 0xc0, 0xaf, 0x22]), // overlong "/"
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // a byte-order mark, then {}
];
const MALFORMED_JSON = ['', '{', '{"a":', '[1,2', 'nul', '{"a":1,}', '{"a" 1}', "{'a':1}", '1e99999', '"\\ud800"', '"\\u0000"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1,"a":2}', '['.repeat(10_000), '['.repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(4000) + '1' + '}'.repeat(4000)];

/** A request body for the operation: its own content type with a broken value, or something else entirely. */
export function payloadFor(op: Operation, ids: readonly string[]): fc.Arbitrary<Payload> {
  const jsonSchema = op.body?.['application/json'];
  const otherTypes = Object.keys(op.body ?? {}).filter((ct) => ct !== 'application/json');
  const json = (v: unknown, label: string): Payload => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'null', label });
  const arbs: { weight: number; arbitrary: fc.Arbitrary<Payload> }[] = [
    { weight: 1, arbitrary: fc.constant<Payload>({ contentType: null, body: null, label: 'no body' }) },
    { weight: 1, arbitrary: fc.constant(json({}, 'empty object')) },
    { weight: 2, arbitrary: brokenValue().map((v) => json(v, 'a broken value')) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8).map((b): Payload => ({ contentType: 'application/json', body: b, label: 'invalid UTF-8' })) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((b): Payload => ({ contentType: 'application/json', body: b, label: 'malformed JSON' })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'image/png', 'application/pdf', 'application/octet-stream', '*/*', ';;;', 'application/json\u0000'), fc.oneof(nastyString(), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))))
        .map(([contentType, body]): Payload => ({ contentType, body, label: 'another content type' })),
    },
  ];
  if (jsonSchema) {
    arbs.push({ weight: 7, arbitrary: brokenObject(jsonSchema, ids).map((v) => json(v, 'the schema, partly broken')) });
    arbs.push({ weight: 7, arbitrary: validish(jsonSchema, ids).map((v) => json(v, 'the schema')) });
  }
  for (const ct of otherTypes) {
    arbs.push({
      weight: 3,
      arbitrary: fc
        .oneof(nastyString(), fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)), fc.constantFrom(...INVALID_UTF8), fc.constant('id,title\n"unterminated\n'), fc.constant(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)])))
        .map((body): Payload => ({ contentType: ct, body, label: `a ${ct} body` })),
    });
  }
  return fc.oneof(...arbs);
}

/** Path segments: real ids, other ids, and strings that are nothing like one (already percent-encoded). */
export function pathValueFor(p: Parameter, ids: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: validish(p.schema ?? { type: 'string' }, ids).map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))) },
    { weight: 1, arbitrary: nastyString().map((v) => { try { return encodeURIComponent(v); } catch { return '%ED%A0%80'; } }).filter((v) => v.length > 0) },
    { weight: 1, arbitrary: fc.constantFrom('%ff', '%00', '%ED%A0%80', '%', '%zz', '..', '.', '%2e%2e', 'a'.repeat(5000), '-1', '1.5', 'null') },
  );
}

/** A query string: the operation's parameters, fitting or broken, plus unknown ones and undecodable bytes. */
export function queryFor(op: Operation, ids: readonly string[]): fc.Arbitrary<string> {
  const param = (p: Parameter) =>
    fc.oneof(
      { weight: 4, arbitrary: validish(p.schema ?? { type: 'string' }, ids).map((v) => [`${p.name}=${enc(v)}`]) },
      { weight: 2, arbitrary: brokenValue().map((v) => [`${p.name}=${enc(v)}`]) },
      { weight: 1, arbitrary: fc.constantFrom('%ff', '%00', '%ED%A0%80', '%', '', 'a%zz').map((raw) => [`${p.name}=${raw}`]) },
      { weight: 1, arbitrary: fc.tuple(validish(p.schema ?? { type: 'string' }, ids), brokenValue()).map(([a, b]) => [`${p.name}=${enc(a)}`, `${p.name}=${enc(b)}`]) },
    );
  return fc
    .tuple(
      fc.tuple(...op.query.map((p) => fc.option(param(p), { freq: 2 }))),
      fc.option(fc.constantFrom('unknown=1', '%ff=1', '=', '&&&', 'a[b][c]=1', '__proto__=x', 'constructor[prototype]=1', 'x'.repeat(5000)), { freq: 4 }),
    )
    .map(([parts, extra]) => [...parts.flatMap((p) => p ?? []), ...(extra ? [extra] : [])].join('&'));
}

function enc(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  try {
    return encodeURIComponent(s);
  } catch {
    // a lone surrogate cannot be encoded by the client library: send the raw (invalid) UTF-8 bytes' escapes
    return '%ED%A0%80';
  }
}
