/** Latencies of one load run, and what the report shows of them. */
export interface LoadResult {
  /** Completed requests (or statement rounds) in the measured window. */
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Answers outside 2xx (HTTP) or failed rounds (SQL). */
  non2xx: number;
  /** Connection errors and timeouts (HTTP only). */
  errors: number;
  /**
   * SQL only: how PostgreSQL planned the named statements' executions, over the connections of
   * the run (pg_prepared_statements): a statement it plans anew each time ("custom") pays its
   * planning on every call, which a generic plan pays once per connection.
   */
  plans?: { generic: number; custom: number };
}

/** Every latency is kept (a 20 s run is at most a few hundred thousand numbers) and sorted once. */
export class Latencies {
  private values: number[] = [];

  record(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  summarize(seconds: number, non2xx: number, errors: number): LoadResult {
    const sorted = Float64Array.from(this.values).sort();
    return {
      requests: sorted.length,
      seconds,
      rps: seconds > 0 ? sorted.length / seconds : 0,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
      non2xx,
      errors,
    };
  }
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
