// HTTP load with autocannon, run in a worker thread: on a 2-core machine a client sharing the
// server's event loop would take half of its time and squeeze every ratio towards 1.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** The status every answer should have; others are counted as unexpected. */
  expectStatus: number;
  seconds?: number;
  connections?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  /** Answers with another status, errors and timeouts: a non-zero count makes the figure suspect. */
  unexpected: number;
}

export const CONNECTIONS = 10;
export const MEASURE_SECONDS = 5;
const WARM_UP_SECONDS = 1;

/** Loads the URL for a short warm-up (JIT, connection pools), then measures it. */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  await runAutocannon({ ...options, seconds: WARM_UP_SECONDS });
  return runAutocannon(options);
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections ?? CONNECTIONS,
    duration: options.seconds ?? MEASURE_SECONDS,
    workers: 1,
  });
  const expected = result.statusCodeStats?.[`${options.expectStatus}`]?.count ?? 0;
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((sum, stat) => sum + (stat.count ?? 0), 0);
  return {
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    unexpected: answered - expected + result.errors + result.timeouts,
  };
}

// autocannon records latencies in whole milliseconds: 0 means "under 1 ms".
export function wholeMs(ms: number): string {
  return ms === 0 ? '<1' : String(ms);
}
