// An append-only journal (JSON lines) beside a lowdb file: a small change is on disk after one
// appended line and one fsync, shared by every change that arrived meanwhile, instead of a
// rewrite of the whole file. Entries carry a sequence number; the file records the last one it
// contains, so replaying after a crash applies exactly the entries the file does not have.
import { open, readFile, type FileHandle } from 'node:fs/promises';

export interface JournalEntry {
  seq: number;
}

export interface Journal<E extends JournalEntry> {
  /** Resolves once the entry is on disk. */
  append(entry: E): Promise<void>;
  /** Empties the journal: call only once the main file holds every entry. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** The entries a journal file holds, in order; a torn last line (a crash mid-append) is dropped. */
export async function readJournal<E extends JournalEntry>(file: string): Promise<E[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw new Error(`store: unable to read ${file}: ${err.message}`);
  });
  const entries: E[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as E);
    } catch {
      // Only the last line can be torn, and its append was never acknowledged.
    }
  }
  return entries;
}

export async function openJournal<E extends JournalEntry>(file: string): Promise<Journal<E>> {
  const handle: FileHandle = await open(file, 'a', 0o600);
  let waiting: { line: string; done: (err?: unknown) => void }[] = [];
  let writing: Promise<void> | undefined;

  // Group commit: whatever was appended while the last fsync ran goes out in the next one.
  async function drain(): Promise<void> {
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      try {
        await handle.appendFile(batch.map((item) => item.line).join(''));
        await handle.sync();
        for (const item of batch) item.done();
      } catch (err) {
        for (const item of batch) item.done(err);
      }
    }
    writing = undefined;
  }

  return {
    append(entry) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ line: `${JSON.stringify(entry)}\n`, done: (err) => (err ? reject(err) : resolve()) });
        writing ??= drain();
      });
    },
    async clear() {
      await writing;
      await handle.truncate(0);
      await handle.sync();
    },
    async close() {
      await writing;
      await handle.close();
    },
  };
}
