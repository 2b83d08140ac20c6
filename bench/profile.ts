/**
 * `npx tsx bench/profile.ts file.cpuprofile [--top 25] [--per n]`: a CPU profile of the API
 * (`BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=dir" npm run bench:run -- --only feed-all`)
 * summed up: the functions with the most self time, and the time under a few named parts
 * (the self time of every frame whose function or file matches, so nested parts count once
 * each). `--per n` divides by n requests (the run's request count) to give µs a request.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, per: { type: 'string' } },
});

/** Parts of a request's CPU, by the file or function its frames belong to (first match wins). */
const PARTS: Array<[string, RegExp]> = [
  ['garbage collection', /^\(garbage collector\)$/],
  [
    'startup: loading and compiling modules',
    /^node:internal\/(modules|source_map)|^(makeAsyncRequest|makeSyncRequest|waitForWorker|receiveMessageOnPort|compileSourceTextModule|wrapSafe)$/,
  ],
  [
    'socket writes (writev: the kernel copy on the loopback)',
    /^(writev|writevGeneric|writeUtf8String|writeBuffer)$/,
  ],
  [
    'generated code: the response serializer and request validators',
    /^anonymous\d*$|^validate\d*$/,
  ],
  ["regular expressions (format checks of the serializer's anyOf branches)", /^RegExp:/],
  ['idle', /^\(idle\)$/],
  [
    'pg: rows from the wire (pg, pg-protocol, pg-types)',
    /node_modules\/(pg|pg-protocol|pg-types|postgres-[a-z]+)\//,
  ],
  [
    'Fastify response serializer (fast-json-stringify)',
    /fast-json-stringify|fast-uri|\/anonymous|json-schema-ref-resolver/,
  ],
  ['Kysely (build and compile the statement)', /node_modules\/kysely\//],
  [
    'Fastify and its plugins',
    /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|pino|toad-cache)/,
  ],
  [
    'socket writes and reads (node:net, stream, http)',
    /^node:(net|stream|_http|http|internal\/streams|internal\/http)/,
  ],
  ['the service (src/)', /\/src\//],
  ['JSON.parse / JSON.stringify', /^(parse|stringify)$/],
];

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const per = values.per ? Number(values.per) : undefined;
  const fmt = (us: number) =>
    `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %` +
    (per ? ` ${(us / per).toFixed(1).padStart(7)} µs/req` : '');

  const frames = new Map<string, number>();
  const parts = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/');
    const key = `${(functionName || '(anonymous)').slice(0, 60)} ${where}:${lineNumber + 1}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    const part =
      PARTS.find(([, re]) => re.test(url) || re.test(functionName))?.[0] ??
      (url === '' ? 'other native (V8, libuv, runtime)' : 'other');
    parts.set(part, (parts.get(part) ?? 0) + us);
  }
  const busy =
    total - (parts.get('idle') ?? 0) - (parts.get('startup: loading and compiling modules') ?? 0);
  console.log(
    `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy ` +
      '(not idle, not starting)',
  );
  console.log('\nparts (self time of their frames; last column: share of the busy time):');
  for (const [name, us] of [...parts].sort((a, b) => b[1] - a[1])) {
    const share = /^(idle|startup)/.test(name) ? '' : `${((100 * us) / busy).toFixed(1)} %`;
    console.log(`${fmt(us)} ${share.padStart(7)}  ${name}`);
  }
  console.log(`\ntop ${values.top} frames by self time:`);
  for (const [name, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`${fmt(us)}  ${name}`);
  }
  console.log();
}
