import { type Fixture, fmtInt } from '../lib/common.js';
import type { Machine } from './context.js';
import { DEEP_PAGE, FIRST_PAGE, type Scenario } from './scenarios.js';
import type { Query } from './sql-load.js';
import type { LoadResult } from './stats.js';

export interface ScenarioResult {
  scenario: Scenario;
  /** false when the route answered 404 (not built yet) or the probe failed. */
  available: boolean;
  note: string;
  api: LoadResult | null;
  raw: LoadResult | null;
  rawNote: string;
  queries: Query[];
}

export type TargetStatus = 'met' | 'missed' | 'n/a';

export interface Target {
  name: string;
  value: string;
  status: TargetStatus;
  /** Scenarios whose SQL is at fault when missed (their EXPLAIN is appended). */
  faults: string[];
}

export const P95_LIMIT_MS = 50;
export const DEEP_RATIO_LIMIT = 1.5;
export const API_SHARE_MIN = 0.6;

/** The targets of issue 5, judged on what was measured. */
export function evaluateTargets(results: ScenarioResult[], connections: number): Target[] {
  const measured = (r: ScenarioResult) => r.available && r.api !== null;
  const feeds = results.filter((r) => r.scenario.feed && measured(r));
  const byId = new Map(results.map((r) => [r.scenario.id, r]));
  const targets: Target[] = [];

  const slow = feeds.filter((r) => r.api!.p95 >= P95_LIMIT_MS);
  targets.push({
    name: `feed p95 < ${P95_LIMIT_MS} ms at ${connections} connections`,
    value:
      feeds.map((r) => `${r.scenario.id} ${ms(r.api!.p95)} ms`).join(', ') || 'feed not available',
    status: feeds.length === 0 ? 'n/a' : slow.length ? 'missed' : 'met',
    faults: slow.map((r) => r.scenario.id),
  });

  const first = byId.get(FIRST_PAGE);
  const deep = byId.get(DEEP_PAGE);
  if (first && deep && measured(first) && measured(deep) && deep.api!.rps > 0) {
    const ratio = first.api!.rps / deep.api!.rps;
    targets.push({
      name: `deep page within ${DEEP_RATIO_LIMIT}x of the first (first ÷ deep req/s)`,
      value: `${ratio.toFixed(2)}x (p50 ${ms(first.api!.p50)} vs ${ms(deep.api!.p50)} ms)`,
      status: ratio <= DEEP_RATIO_LIMIT ? 'met' : 'missed',
      faults: ratio <= DEEP_RATIO_LIMIT ? [] : [DEEP_PAGE],
    });
  } else {
    targets.push({
      name: `deep page within ${DEEP_RATIO_LIMIT}x of the first (first ÷ deep req/s)`,
      value: 'feed not available',
      status: 'n/a',
      faults: [],
    });
  }

  const held = results.filter((r) => r.scenario.p95Target !== undefined && measured(r));
  if (held.length) {
    const over = held.filter((r) => r.api!.p95 >= r.scenario.p95Target!);
    targets.push({
      name: `trader signals p95 < ${held[0]!.scenario.p95Target} ms at ${connections} connections`,
      value: held.map((r) => `${r.scenario.id} ${ms(r.api!.p95)} ms`).join(', '),
      status: over.length ? 'missed' : 'met',
      faults: over.map((r) => r.scenario.id),
    });
  }

  const compared = feeds.filter((r) => r.raw && r.raw.rps > 0);
  const behind = compared.filter((r) => r.api!.rps / r.raw!.rps < API_SHARE_MIN);
  targets.push({
    name: `feed API throughput ≥ ${API_SHARE_MIN * 100} % of raw SQL`,
    value:
      compared.map((r) => `${r.scenario.id} ${pct(r.api!.rps / r.raw!.rps)}`).join(', ') ||
      'feed not available',
    status: compared.length === 0 ? 'n/a' : behind.length ? 'missed' : 'met',
    faults: behind.map((r) => r.scenario.id),
  });
  return targets;
}

export interface ReportInput {
  date: string;
  machine: Machine;
  fixture: Fixture;
  settings: string[];
  results: ScenarioResult[];
  targets: Target[];
  explains: Array<{ scenario: string; sql: string; plan: string }>;
}

export function renderReport(input: ReportInput): string {
  const { machine: m, fixture: f } = input;
  const out: string[] = [];
  out.push(`# Benchmark ${input.date} (${m.commit}${m.dirty ? ', uncommitted changes' : ''})`, '');
  out.push('## Machine', '');
  out.push(
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGb} GB; load average at start ${m.loadAverage}`,
  );
  out.push(`- Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSettings})`);
  out.push(`- git commit ${m.commit}${m.dirty ? ' with uncommitted changes' : ''}`, '');
  out.push('## Data set', '');
  out.push(
    `Seeded ${f.seededAt.slice(0, 10)} at scale ${f.scale} in ${f.seedSeconds} s (${f.database}): ` +
      Object.entries(f.rows)
        .map(([table, n]) => `${table} ${fmtInt(n)}`)
        .join(', ') +
      `. Busiest ticker ${f.busiestSymbol}; viral post ${fmtInt(f.viralPost.reactions)} reactions.`,
    '',
  );
  out.push('## Settings', '', ...input.settings.map((s) => `- ${s}`), '');
  out.push('## Results', '');
  out.push(
    'Latencies in ms. "raw SQL" is the same SQL through a plain `pg` pool at the same concurrency, as named (prepared) statements, as the API runs them.',
    '',
  );
  out.push(
    '| scenario | API req/s | p50 | p95 | p99 | non-2xx | raw SQL req/s | raw p50 | raw p95 | raw p99 | API ÷ raw |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of input.results) {
    const name = `${r.scenario.title}<br>\`${r.scenario.path.length > 60 ? `${r.scenario.path.slice(0, 57)}...` : r.scenario.path}\``;
    if (!r.available || !r.api) {
      out.push(`| ${name} | not available: ${r.note} | | | | | | | | | |`);
      continue;
    }
    const a = r.api;
    const raw = r.raw;
    const rawCells = raw
      ? [fmtInt(raw.rps), ms(raw.p50), ms(raw.p95), ms(raw.p99), pct(a.rps / raw.rps)]
      : [r.rawNote || 'not run', '', '', '', ''];
    out.push(
      `| ${name} | ${fmtInt(a.rps)} | ${ms(a.p50)} | ${ms(a.p95)} | ${ms(a.p99)} | ${fmtInt(a.non2xx + a.errors)} | ${rawCells.join(' | ')} |`,
    );
  }
  const first = input.results.find((r) => r.scenario.id === FIRST_PAGE);
  const deep = input.results.find((r) => r.scenario.id === DEEP_PAGE);
  if (first?.api && deep?.api && deep.api.rps > 0) {
    out.push('', `Deep page ÷ first page: ${pct(deep.api.rps / first.api.rps)} of the throughput.`);
  }
  // the first five executions of each statement on each connection are always custom
  const replanned = input.results.filter((r) => {
    const plans = r.raw?.plans;
    return plans && plans.custom > 0.1 * (plans.custom + plans.generic);
  });
  out.push('', '## Statements planned on every call', '');
  out.push(
    'PostgreSQL keeps a generic plan of a named statement when it does not look costlier than the plans made for the values; otherwise it plans every execution again, which costs about as much as running a page. Scenarios where more than 10 % of the raw SQL executions were planned anew (pg_prepared_statements; the first five of each statement on each connection always are):',
    '',
  );
  if (replanned.length === 0) out.push('- none');
  for (const r of replanned) out.push(`- ${r.scenario.id}: ${planShare(r.raw!.plans!)}`);
  out.push('', '## Targets', '', '| target | measured | status |', '| --- | --- | --- |');
  for (const t of input.targets) out.push(`| ${t.name} | ${t.value} | **${t.status}** |`);
  out.push('', '## SQL timed', '');
  for (const r of input.results.filter((x) => x.available)) {
    out.push(`- **${r.scenario.id}**: ${r.queries.length} statement(s)`);
    for (const q of r.queries) out.push(`  - \`${oneLine(q.sql, 300)}\``);
  }
  if (input.explains.length) {
    out.push('', '## EXPLAIN (ANALYZE, BUFFERS) of the SQL behind missed targets', '');
    for (const e of input.explains) {
      out.push(`### ${e.scenario}`, '', '```sql', e.sql, '```', '', '```', e.plan, '```', '');
    }
  }
  return `${out.join('\n')}\n`;
}

export function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** "96 % (4,800 of 5,000 executions)" */
export function planShare(plans: { generic: number; custom: number }): string {
  const all = plans.generic + plans.custom;
  return `${pct(all ? plans.custom / all : 0)} (${fmtInt(plans.custom)} of ${fmtInt(all)} executions)`;
}

export function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
};
