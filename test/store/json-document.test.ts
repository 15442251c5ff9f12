// The snapshot reader never holds a file as one string: it must read exactly what JSON.parse
// reads, in the previous version's one-line layout and in this one's record-per-line layout,
// whatever falls on the boundaries of the chunks it reads (1 MB each).
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDocument, writeDocument } from '../../src/store/json-document.js';
import { makeDataDir } from '../helpers/service.js';

/** Strings that trip a hand-written scanner: escapes, brackets, quotes, multi-byte characters. */
const TRICKY = ['\\', '\\"', '"', ']}', '[{', ',', 'àèìòù €', '😀', '\\\\"]', 'line\nbreak', '\u2028'];

function records(count: number): object[] {
  return Array.from({ length: count }, (_, n) => ({ id: `r${n}`, text: `${TRICKY[n % TRICKY.length]}${'x'.repeat(n % 997)}${TRICKY[(n * 7) % TRICKY.length]}`, nested: { list: [n, TRICKY[n % TRICKY.length]], flag: n % 2 === 0 } }));
}

async function readBack(file: string) {
  const scalars: Record<string, unknown> = {};
  const arrays: Record<string, unknown[]> = {};
  await readDocument(file, {
    scalar: (key, value) => void (scalars[key] = value),
    record: (key, value) => void (arrays[key] ??= []).push(value),
  });
  return { ...scalars, ...arrays };
}

describe('store: snapshot files read a record at a time', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeDataDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a one-line file of several MB exactly as JSON.parse does', async () => {
    const document = { schemaVersion: 2, articles: records(6000), categories: [{ slug: 'a', name: 'A "quoted" ]' }], retiredSlugs: ['x', 'y,z', ']'], empty: [] };
    const file = path.join(dir, 'one-line.json');
    await writeFile(file, JSON.stringify(document));
    assert.ok((await readFile(file)).length > 3 << 20, 'several chunks');
    const { empty, ...withoutEmpty } = document;
    assert.deepEqual(empty, []);
    assert.deepEqual(await readBack(file), withoutEmpty);
  });

  it('writes a record per line that JSON.parse and the reader both read back', async () => {
    const file = path.join(dir, 'records.json');
    const articles = records(5000);
    await writeDocument(file, { schemaVersion: 3, journalSeq: 42 }, { retiredSlugs: ['a', 'b'], articles });
    const text = await readFile(file, 'utf8');
    assert.deepEqual(JSON.parse(text), { schemaVersion: 3, journalSeq: 42, retiredSlugs: ['a', 'b'], articles });
    assert.equal(text.split('\n').length, 5000 + 2 + 6, 'a line per record');
    assert.deepEqual(await readBack(file), { schemaVersion: 3, journalSeq: 42, retiredSlugs: ['a', 'b'], articles });
  });

  it('refuses a truncated file with a clear error', async () => {
    const file = path.join(dir, 'cut.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 3, articles: records(10) }).slice(0, -30));
    await assert.rejects(readBack(file), /ends before its JSON does|JSON/);
  });
});
