// Golden files: output that must not drift (feed XML, email HTML) is compared with a file in
// test/golden/; `UPDATE_GOLDEN=1 npm test` rewrites the files after a deliberate change.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden');

export async function assertGolden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await writeFile(file, actual);
    return;
  }
  const expected = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no golden file ${name}: run UPDATE_GOLDEN=1 npm test once and review it`);
  });
  assert.equal(actual, expected, `${name} drifted; if the change is deliberate, run UPDATE_GOLDEN=1 npm test and review the diff`);
}
