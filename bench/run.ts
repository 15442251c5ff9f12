// `npm run bench`: runs every part in order and prints figures and ratios. It measures and
// reports; it never fails on a ratio (targets are printed beside the measured values).
// A part is a `(report) => Promise<void>`: to add one, write it in its own module and list it below.
// `npm run bench -- build startup` runs only the parts whose function name contains a given word
// (`npm run bench -- benchNewsletter`: the part of that exact name alone).
import { availableParallelism, loadavg } from 'node:os';
import { benchFeedBuild, benchFeedServing } from './feeds.js';
import { removeTempDirs } from './fixtures.js';
import { benchHostileInput } from './hostile.js';
import { benchIngest } from './ingest.js';
import { benchNewsletter } from './newsletter.js';
import { benchNewsletterRhythms } from './newsletter-rhythms.js';
import { benchPostgres } from './postgres.js';
import { createReport, type BenchPart } from './report.js';
import { benchStoreGrowth, benchStoreHuge } from './store-growth.js';
import { benchStartup, benchWrites } from './store-scale.js';
import { benchWebSub } from './websub.js';

const PARTS: BenchPart[] = [
  benchFeedServing, // 1, 2: cached category feed, 200 and 304, against bare node:http
  benchFeedBuild, // 3: building a 20-item category feed at 1,000 and 100,000 articles
  benchStartup, // 4: start-up time and memory at 1,000 and 100,000 articles
  benchWrites, // 5: acknowledging a write at 100,000 articles
  benchNewsletter, // 6: a newsletter run to 10,000 subscribers against nodemailer alone
  benchNewsletterRhythms, // 6b: the minute tick at 100,000 subscribers with rhythms: idle, and sending to those due
  benchHostileInput, // 7: the longest event-loop block per request for hostile article input
  benchStoreGrowth, // 8: subscriber changes, feeds, article writes, start-up and memory as the store grows
  benchStoreHuge, // 9: a store past 512 MB in the previous layout (only with BENCH_STORE_HUGE_ARTICLES)
  benchWebSub, // 10: pushing a new article to 1,000 WebSub subscribers, and the feed's req/s meanwhile
  benchIngest, // 11: 200 sources × 50 items from a loopback upstream: first cycle items/s, second cycle all 304, memory
  benchPostgres, // 12: PostgreSQL at 1,000,000 subscribers: subscribe, a run with one and two instances, article writes; lowdb beside it
];

/**
 * The parts named on the command line (by a word of their function name, or by the whole name:
 * `benchNewsletter` runs that part alone, `newsletter` both newsletter parts), or all of them.
 */
function selectedParts(words: string[]): BenchPart[] {
  if (words.length === 0) return PARTS;
  const names = PARTS.map((part) => part.name.toLowerCase());
  const matches = (name: string, word: string) => (names.includes(word) ? name === word : name.includes(word));
  return PARTS.filter((part) => words.some((word) => matches(part.name.toLowerCase(), word.toLowerCase())));
}

async function main(): Promise<void> {
  const report = createReport();
  const started = process.hrtime.bigint();
  // Other work on the machine moves every figure: the load average tells a reader whether it ran.
  const loadAtStart = loadavg()[0]!;
  const parts = selectedParts(process.argv.slice(2));
  report.progress(`node ${process.version}, parts: ${parts.map((part) => part.name).join(', ') || 'none matched'}`);
  let failed = false;
  try {
    for (const part of parts) {
      try {
        await part(report);
      } catch (err) {
        // One broken part should not hide the figures of the others.
        failed = true;
        report.progress(`part ${part.name} failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  } finally {
    await removeTempDirs();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`node ${process.version} · ${availableParallelism()} CPUs · load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end\n`);
  console.log(report.format());
  console.log(`\nbenchmark took ${seconds.toFixed(0)} s${failed ? ' (some parts failed: see above)' : ''}`);
  process.exitCode = failed ? 1 : 0;
}

// Ctrl-C should not leave the ~240 MB of generated stores behind in the temporary folder.
process.once('SIGINT', () => {
  void removeTempDirs().finally(() => process.exit(130));
});

void main();
