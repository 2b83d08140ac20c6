import type pg from 'pg';
import { fmtInt, fmtSeconds } from '../lib/common.js';

/**
 * SQL text helpers and the step runner. Every generated value comes from a hash of a row's
 * number (hashint8extended, stable across PostgreSQL versions and machines: hash partitioning
 * relies on it), so the data set is the same on every run, whatever the plan or the order.
 */

/** A string literal. */
export const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A text[] literal. */
export const textArray = (values: readonly string[]) => `array[${values.map(lit).join(',')}]`;

/** One element of a text[] literal chosen by a number in [0, 1). */
export const pick = (values: readonly string[], random: string) =>
  `(${textArray(values)})[1 + floor(${random} * ${values.length})::int]`;

/** A number for SQL text; refuses anything that is not finite. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Number.isInteger(value) ? String(value) : value.toPrecision(15);
}

/**
 * bench_seed.h(n, salt): a 64-bit hash of a bigint. hashint8extended alone folds its input to
 * 32 bits (n and n xor (n << 32) collide), so the high half seeds the hash of the low half.
 * bench_seed.r(n, salt): a number in [0, 1); bench_seed.uuid(n, salt): a version-4-shaped UUID
 * from two hashes. All one-expression SQL functions, inlined by the planner. The schema is
 * dropped when seeding ends.
 */
export const HELPERS = `
  drop schema if exists bench_seed cascade;
  create schema bench_seed;
  create function bench_seed.h(n bigint, salt bigint) returns bigint
  language sql immutable parallel safe as $$
    select hashint8extended(n & 4294967295, hashint8extended(n >> 32, salt))
  $$;
  create function bench_seed.r(n bigint, salt bigint) returns float8
  language sql immutable parallel safe as $$
    select ((bench_seed.h(n, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0
  $$;
  create function bench_seed.uuid(n bigint, salt bigint) returns uuid
  language sql immutable parallel safe as $$
    select (lpad(to_hex((bench_seed.h(n, salt) & -61441) | 16384), 16, '0')
      || to_hex((bench_seed.h(n, salt + 1000) & 4611686018427387903)
                | (-9223372036854775807 - 1)))::uuid
  $$;
`;

/** The stride of key's list: one of the primes above the crowd (see stridePrimes). */
export const stride = (primes: readonly number[], key: string) =>
  `(array[${primes.join(',')}]::bigint[])[1 + (${key}) % ${primes.length}]`;

export interface Step {
  name: string;
  sql: string;
  values?: unknown[];
}

export interface Timing {
  name: string;
  ms: number;
  rows: number | null;
}

export type Log = (line: string) => void;

async function runStep(client: pg.Client, lane: string, step: Step, log: Log): Promise<Timing> {
  const started = performance.now();
  let result: pg.QueryResult | pg.QueryResult[];
  try {
    result = await client.query(step.sql, step.values as unknown[] | undefined);
  } catch (error) {
    throw new Error(`step "${step.name}" failed: ${(error as Error).message}`, { cause: error });
  }
  const ms = performance.now() - started;
  const changed = (Array.isArray(result) ? result : [result]).filter((r) =>
    ['INSERT', 'UPDATE', 'DELETE'].includes(r.command),
  );
  const rows = changed.length ? changed.reduce((sum, r) => sum + (r.rowCount ?? 0), 0) : null;
  const count = rows === null ? '' : `${fmtInt(rows)} rows`;
  log(
    `  [${lane}] ${step.name.padEnd(44, '.')} ${count.padStart(16)} ${fmtSeconds(ms).padStart(8)}`,
  );
  return { name: step.name, ms, rows };
}

/** Each lane runs its steps in order on its own connection; the lanes run side by side. */
export async function runLanes(clients: pg.Client[], lanes: Step[][], log: Log): Promise<Timing[]> {
  const timings: Timing[] = [];
  await Promise.all(
    lanes.map(async (steps, i) => {
      const client = clients[i % clients.length]!;
      for (const step of steps) timings.push(await runStep(client, laneName(i), step, log));
    }),
  );
  return timings;
}

/** Steps taken from one queue, largest first, by as many connections as there are. */
export async function runQueue(clients: pg.Client[], steps: Step[], log: Log): Promise<Timing[]> {
  const queue = [...steps];
  const timings: Timing[] = [];
  await Promise.all(
    clients.map(async (client, i) => {
      for (let step = queue.shift(); step; step = queue.shift()) {
        timings.push(await runStep(client, laneName(i), step, log));
      }
    }),
  );
  return timings;
}

const laneName = (i: number) => String.fromCharCode(97 + i);
