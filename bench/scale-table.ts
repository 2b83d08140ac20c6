/**
 * `npx tsx bench/scale-table.ts a.md b.md ...`: the p95 of every scenario in several
 * `bench:run` reports side by side, one column a report, headed by its data set's scale and
 * the load average at its start (how cost grows: bench/README.md). Runs of the same scenario
 * list at scale 0.1, 1 and 3, on their own bench databases, are what it is for.
 */
import { readFileSync } from 'node:fs';

interface Row {
  api: string;
  apiP95: string;
  raw: string;
  rawP95: string;
}
interface Report {
  scale: string;
  load: string;
  rows: Map<string, Row>;
}

function readReport(file: string): Report {
  const text = readFileSync(file, 'utf8');
  const scale = /at scale ([\d.]+)/.exec(text)?.[1] ?? '?';
  const load = /load average at start ([\d.]+)/.exec(text)?.[1] ?? '?';
  const rows = new Map<string, Row>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| ') || !line.includes('<br>`')) continue;
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    const title = cells[0]!.split('<br>')[0]!;
    rows.set(title, { api: cells[1]!, apiP95: cells[3]!, raw: cells[6]!, rawP95: cells[8]! });
  }
  return { scale, load, rows };
}

const reports = process.argv.slice(2).map(readReport);
if (reports.length === 0) {
  console.error('usage: npx tsx bench/scale-table.ts report.md [report.md ...]');
  process.exit(2);
}
const titles = [...new Set(reports.flatMap((r) => [...r.rows.keys()]))];
const head = reports.map((r) => `scale ${r.scale} (load ${r.load})`);
console.log(
  `| scenario | ${head.map((h) => `API p95, ${h}`).join(' | ')} | ${head.map((h) => `raw SQL p95, ${h}`).join(' | ')} |`,
);
console.log(`| --- |${' ---: |'.repeat(reports.length * 2)}`);
for (const title of titles) {
  const api = reports.map((r) => r.rows.get(title)?.apiP95 ?? '');
  const raw = reports.map((r) => r.rows.get(title)?.rawP95 ?? '');
  console.log(`| ${title} | ${api.join(' | ')} | ${raw.join(' | ')} |`);
}
