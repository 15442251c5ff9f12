// SIGKILL at any moment, compactions included, loses no acknowledged change and leaves every
// file readable: a child process writes every kind of change with a tiny compaction threshold
// (so a compaction is nearly always under way) and is killed after a varying number of changes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_FILE, NEWSLETTER_FILE, openStore } from '../../src/store/store.js';
import { makeDataDir } from '../helpers/service.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./writer-child.ts', import.meta.url));

interface Ack {
  kind: 'article' | 'subscriber' | 'delivery';
  id: string;
  value?: string;
}

/** Runs the writer until `acks` changes are acknowledged, then SIGKILLs it; returns what it acknowledged. */
function writeThenKill(dataDir: string, acks: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: Ack[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) acknowledged.push(JSON.parse(line) as Ack);
    if (acknowledged.length >= acks) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acknowledged) : reject(new Error(`writer ended without SIGKILL: ${stderr}`)))),
  );
}

describe('store: SIGKILL during compactions', () => {
  it('every acknowledged change of every kind survives, and every file parses (4 rounds of two killed writers)', async function () {
    this.timeout(120_000);
    for (const [round, acks] of [60, 150, 240, 330].entries()) {
      const dataDir = await makeDataDir();
      try {
        // The second writer starts on what the first left: sequence numbers and files carry on.
        const acknowledged = [...(await writeThenKill(dataDir, acks)), ...(await writeThenKill(dataDir, acks))];
        for (const file of [CONTENT_FILE, NEWSLETTER_FILE]) JSON.parse(await readFile(path.join(dataDir, file), 'utf8'));
        const store = await openStore(dataDir);
        try {
          for (const ack of acknowledged) {
            const where = `round ${round + 1}: ${ack.kind} ${ack.id}`;
            if (ack.kind === 'article') assert.ok(store.articles.byId(ack.id), where);
            if (ack.kind === 'subscriber') assert.ok(store.newsletter.subscriberById(ack.id), where);
            if (ack.kind === 'delivery') {
              assert.equal((await store.newsletter.deliveries(ack.id))[0]?.state, 'sent', where);
              assert.ok(store.newsletter.subscriberById(ack.value!)?.watermark, where);
            }
          }
          const last = acknowledged.filter((ack) => ack.kind === 'subscriber').at(-1)!;
          if (last.value === 'confirmed') assert.equal(store.newsletter.subscriberById(last.id)!.status, 'confirmed');
        } finally {
          await store.close();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  });
});
