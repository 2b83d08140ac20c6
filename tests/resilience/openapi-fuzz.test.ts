import { generateSync } from 'json-schema-faker';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';

/**
 * A bounded, seeded fuzz of the whole API from its own contract (docs/resilience.md): every
 * operation of /openapi.json gets requests whose path, query and JSON body are generated from
 * its schemas by json-schema-faker, half of them then broken (a field of the wrong type, junk
 * text, a missing body), sent anonymously or as a user. No answer may be a 5xx, and every
 * error must be in the contract's shape. Same seed, same requests: a failure reproduces.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);
/** The run stops early past this budget (a busy machine), so CI stays bounded. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 45_000);

interface Operation {
  method: string;
  path: string;
  parameters?: Array<{ name: string; in: string; schema: object; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema: object }> };
}

/** A small seeded generator (mulberry32) for the choices this test makes itself. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK: unknown[] = [
  null,
  -1,
  1e308,
  '',
  'x'.repeat(5000),
  '\u0000',
  "' or 1=1 --",
  '../../etc/passwd',
  [],
  {},
  true,
  '😀'.repeat(300),
];

describe('fuzzing the API from /openapi.json', () => {
  const t = useTestApp();

  it(`answers up to ${REQUESTS} generated requests without a 5xx, every error in shape`, {
    timeout: 240_000,
  }, async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
      components: object;
    };
    const operations: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (path.startsWith('/docs') || path === '/media/upload') continue;
        // a live stream answers for as long as it is open: tests/modules/streams fuzz its inputs
        if (path.startsWith('/streams/')) continue;
        if (operation.requestBody?.content?.['multipart/form-data']) continue;
        operations.push({ method: method.toUpperCase(), path, ...operation });
      }
    }
    expect(operations.length).toBeGreaterThan(40);
    const user = await createUser(t);
    const pick = random(SEED);
    const choose = <T>(items: readonly T[]) => items[Math.floor(pick() * items.length)]!;
    const generate = (schema: object, seed: number) => {
      const withComponents = { ...schema, components: doc.components } as never;
      try {
        return generateSync(withComponents, { seed, optionalsProbability: 0.5 });
      } catch {
        // the generator cannot leave optional fields out of a closed object that needs some
        // (`minProperties` with `additionalProperties: false`, e.g. PATCH /posts/{id}): all in
        return generateSync(withComponents, { seed, optionalsProbability: 1 });
      }
    };

    const statuses: Record<string, number> = {};
    const failures: string[] = [];
    const started = performance.now();
    let sent = 0;
    for (let i = 0; i < REQUESTS && performance.now() - started < BUDGET_MS; i++) {
      sent++;
      const operation = operations[i % operations.length]!;
      const breakIt = pick() < 0.5;
      let url = operation.path;
      const query = new URLSearchParams();
      for (const parameter of operation.parameters ?? []) {
        let value = generate(parameter.schema, SEED + i);
        if (breakIt && pick() < 0.3) value = choose(JUNK);
        if (parameter.in === 'path') {
          url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
        } else if (parameter.in === 'query' && (parameter.required || pick() < 0.6)) {
          query.set(
            parameter.name,
            typeof value === 'object' ? JSON.stringify(value) : String(value),
          );
        }
      }
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      let payload: unknown;
      if (bodySchema) {
        payload = generate(bodySchema, SEED + i);
        if (breakIt && payload && typeof payload === 'object' && !Array.isArray(payload)) {
          const keys = Object.keys(payload);
          if (keys.length > 0) (payload as Record<string, unknown>)[choose(keys)] = choose(JUNK);
        } else if (breakIt) {
          payload = choose(JUNK);
        }
      }
      const target = query.size ? `${url}?${query}` : url;
      const res = await t.request({
        method: operation.method as never,
        url: target,
        ...(payload !== undefined
          ? { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }
          : {}),
        ...(pick() < 0.6 ? { token: user.token } : {}),
      });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      const where = `${operation.method} ${target.slice(0, 200)} -> ${res.statusCode}`;
      if (res.statusCode >= 500) failures.push(`${where}: ${res.body.slice(0, 300)}`);
      else if (res.statusCode >= 400) {
        const error = (res.json() as { error?: Record<string, unknown> }).error;
        if (
          typeof error?.code !== 'string' ||
          typeof error.message !== 'string' ||
          typeof error.request_id !== 'string'
        ) {
          failures.push(`${where}: not in the error shape: ${res.body.slice(0, 300)}`);
        }
      }
    }
    console.log(
      `fuzz (seed ${SEED}): ${sent} requests over ${operations.length} operations, statuses ${JSON.stringify(statuses)}`,
    );
    expect(sent).toBeGreaterThan(operations.length);
    expect(failures).toEqual([]);
  });
});
