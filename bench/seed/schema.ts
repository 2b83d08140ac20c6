import type pg from 'pg';
import type { Step } from './sql.js';

/**
 * Loading into bare tables is several times faster than maintaining indexes and checking
 * foreign keys row by row. Before loading: the definitions of the foreign keys, primary keys,
 * unique constraints and other indexes are saved from the catalogue, then dropped, and the
 * user triggers (counters, updated_at) are disabled. Primary keys go too: inserting random
 * UUIDs into a primary key bigger than shared_buffers cost 12 µs a row, three times the cost of
 * making the row. After: each index is built once from sorted data, primary keys and unique
 * constraints are attached to their new indexes, and foreign keys are added NOT VALID and then
 * validated (one join each; validations of different tables can run side by side, which adding
 * them valid could not).
 */
export interface SavedSchema {
  tables: string[];
  indexes: Array<{ table: string; name: string; def: string }>;
  /** Primary keys and unique constraints, each with the definition of its index. */
  keys: Array<{ table: string; name: string; kind: 'primary key' | 'unique'; indexDef: string }>;
  foreignKeys: Array<{ table: string; name: string; def: string }>;
}

export async function saveSchema(client: pg.Client): Promise<SavedSchema> {
  const tables = await client.query<{ table: string }>(`
    select c.oid::regclass::text as table from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname not like 'kysely_%'
    order by 1`);
  const constraints = await client.query<{
    table: string;
    name: string;
    type: 'p' | 'u' | 'f';
    def: string;
    index_def: string | null;
  }>(`
    select c.conrelid::regclass::text as table, c.conname as name, c.contype as type,
      pg_get_constraintdef(c.oid) as def,
      case when c.contype in ('p', 'u') then pg_get_indexdef(c.conindid) end as index_def
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    where t.relnamespace = 'public'::regnamespace and t.relkind = 'r'
      and t.relname not like 'kysely_%' and c.contype in ('p', 'u', 'f')
    order by 1, 2`);
  const indexes = await client.query<{ table: string; name: string; def: string }>(`
    select t.oid::regclass::text as table, i.relname as name, pg_get_indexdef(i.oid) as def
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relkind = 'r'
      and not exists (select 1 from pg_constraint c
                      where c.conindid = x.indexrelid and c.contype in ('p', 'u', 'x'))
    order by 1, 2`);
  return {
    tables: tables.rows.map((row) => row.table),
    indexes: indexes.rows,
    keys: constraints.rows
      .filter((c) => c.type !== 'f')
      .map((c) => ({
        table: c.table,
        name: c.name,
        kind: c.type === 'p' ? ('primary key' as const) : ('unique' as const),
        // a primary key's index is unique; "create unique index" either way
        indexDef: c.index_def!,
      })),
    foreignKeys: constraints.rows
      .filter((c) => c.type === 'f')
      .map((c) => ({ table: c.table, name: c.name, def: c.def })),
  };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function dropSteps(saved: SavedSchema): Step[] {
  return [
    {
      name: 'drop foreign keys, keys, indexes',
      sql: [
        ...saved.foreignKeys.map((f) => `alter table ${f.table} drop constraint ${ident(f.name)};`),
        ...saved.keys.map((k) => `alter table ${k.table} drop constraint ${ident(k.name)};`),
        ...saved.indexes.map((i) => `drop index ${ident(i.name)};`),
      ].join('\n'),
    },
    {
      name: 'disable triggers',
      sql: saved.tables.map((t) => `alter table ${t} disable trigger user;`).join('\n'),
    },
  ];
}

/** The index builds, biggest table first (the queue hands them to the connections in order). */
export async function indexSteps(client: pg.Client, saved: SavedSchema): Promise<Step[]> {
  const sizes = await tableSizes(client);
  const builds = [
    ...saved.indexes.map((i) => ({ table: i.table, name: `index ${i.name}`, sql: i.def })),
    ...saved.keys.map((k) => ({ table: k.table, name: `index ${k.name}`, sql: k.indexDef })),
  ];
  return builds
    .sort((a, b) => (sizes.get(b.table) ?? 0) - (sizes.get(a.table) ?? 0))
    .map(({ name, sql }) => ({ name, sql }));
}

export function attachSteps(saved: SavedSchema): Step[] {
  return [
    {
      name: 'attach keys, add foreign keys not valid',
      sql: [
        ...saved.keys.map(
          (k) =>
            `alter table ${k.table} add constraint ${ident(k.name)} ${k.kind} using index ${ident(k.name)};`,
        ),
        ...saved.foreignKeys.map(
          (f) => `alter table ${f.table} add constraint ${ident(f.name)} ${f.def} not valid;`,
        ),
      ].join('\n'),
    },
  ];
}

export async function validateSteps(client: pg.Client, saved: SavedSchema): Promise<Step[]> {
  const sizes = await tableSizes(client);
  return [...saved.foreignKeys]
    .sort((a, b) => (sizes.get(b.table) ?? 0) - (sizes.get(a.table) ?? 0))
    .map((f) => ({
      name: `validate ${f.name}`,
      sql: `alter table ${f.table} validate constraint ${ident(f.name)};`,
    }));
}

export function enableTriggerSteps(saved: SavedSchema): Step[] {
  return [
    {
      name: 'enable triggers',
      sql: saved.tables.map((t) => `alter table ${t} enable trigger user;`).join('\n'),
    },
  ];
}

export async function vacuumSteps(client: pg.Client, saved: SavedSchema): Promise<Step[]> {
  const sizes = await tableSizes(client);
  return [...saved.tables]
    .sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0))
    .map((t) => ({ name: `vacuum analyze ${t}`, sql: `vacuum (analyze) ${t};` }));
}

async function tableSizes(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ table: string; bytes: string }>(`
    select c.oid::regclass::text as table, pg_relation_size(c.oid) as bytes
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'`);
  return new Map(rows.map((row) => [row.table, Number(row.bytes)]));
}
