// An append-only journal of JSON lines: a change is on disk after one appended line and one
// fsync, shared by every change that arrived meanwhile (group commit). Each entry gets the next
// sequence number when it is written, and its `apply` runs only once it is durable, so memory
// never shows a change the disk does not hold. A failed write is cut off the file again before
// the next one, so one bad moment of the disk does not poison every later write.
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { syncFolder } from './json-document.js';

/** Text written in one write call at most: a large import is written in several. */
const MAX_BATCH_CHARACTERS = 4 << 20;

export interface JournalLine {
  seq: number;
  [field: string]: unknown;
}

interface Waiting {
  /** The entry as JSON without its sequence number (serialised by the caller, off the drain). */
  json: string;
  apply: (seq: number) => void;
  done: (err?: unknown) => void;
}

interface Rotation {
  rotateTo: string;
  done: () => void;
}

export class Journal {
  private queue: (Waiting | Rotation)[] = [];
  private writing: Promise<void> | undefined;
  /** True while the file may hold the tail of a write that failed: cut it before writing. */
  private suspect = true;
  private failing = false;

  /**
   * @param file where appends go
   * @param length bytes of whole, acknowledged lines in `file` (a torn tail beyond it is cut)
   * @param lastSeq the sequence number of the last entry written anywhere before
   */
  constructor(
    private file: string,
    private length: number,
    private lastSeq: number,
  ) {}

  get seq(): number {
    return this.lastSeq;
  }

  /** Bytes in the current file. */
  get size(): number {
    return this.length;
  }

  /** True since a write failed, until one succeeds. */
  get isFailing(): boolean {
    return this.failing;
  }

  /** Resolves once the entry is on disk and `apply` has run with its sequence number. */
  append(entry: object, apply: (seq: number) => void = () => undefined): Promise<void> {
    const json = JSON.stringify(entry);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ json, apply, done: (err) => (err ? reject(err) : resolve()) });
      this.writing ??= this.drain();
    });
  }

  /**
   * Sends later appends to `nextFile`. `between` runs at the moment every earlier entry is
   * applied and no later one is: what it captures is exactly the state up to `seq`.
   */
  rotate<T>(nextFile: string, between: (seq: number) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      this.queue.push({ rotateTo: nextFile, done: () => resolve(between(this.lastSeq)) });
      // `between` is the caller's own synchronous capture: it does not throw on data.
      this.writing ??= this.drain();
    });
  }

  /** Resolves once every append asked for so far has been written (or has failed). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** True when the file can be opened for appending now (for /healthz, without writing). */
  async canWrite(): Promise<boolean> {
    if (!this.failing) return true;
    try {
      await (await open(this.file, 'a', 0o600)).close();
      return true;
    } catch {
      return false;
    }
  }

  private async drain(): Promise<void> {
    // The caller stores this promise in `writing` before the loop can end and clear it.
    await null;
    // One handle for the batches that follow one another: an fsync'd batch took 5.5 ms with an
    // open and a close of its own, 3.1 ms without. It is closed when the queue runs dry, at a
    // rotation and after a failure: a file replaced or made unwritable under us is noticed by the
    // next drain.
    let handle: FileHandle | undefined;
    const closeHandle = async () => {
      // Everything written through it is already synced: a failing close loses nothing.
      await handle?.close().catch(() => undefined);
      handle = undefined;
    };
    do {
      while (this.queue.length) {
        const head = this.queue[0]!;
        if ('rotateTo' in head) {
          await closeHandle();
          this.queue.shift();
          this.file = head.rotateTo;
          this.length = 0;
          this.suspect = true;
          head.done();
          continue;
        }
        const batch = this.takeBatch();
        const first = this.lastSeq + 1;
        const text = batch.map((item, index) => `{"seq":${first + index}${item.json === '{}' ? '' : ','}${item.json.slice(1)}\n`).join('');
        try {
          handle ??= await open(this.file, 'a', 0o600);
          await this.write(handle, text);
        } catch (err) {
          await closeHandle();
          this.failing = true;
          for (const item of batch) item.done(new Error(`store: unable to write ${this.file}: ${(err as Error).message}`, { cause: err }));
          continue;
        }
        this.failing = false;
        this.lastSeq += batch.length;
        batch.forEach((item, index) => {
          try {
            item.apply(first + index);
            item.done();
          } catch (err) {
            item.done(err);
          }
        });
      }
      await closeHandle();
      // Appends that came while the handle closed are written by this drain, not left waiting.
    } while (this.queue.length);
    this.writing = undefined;
  }

  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let characters = 0;
    while (this.queue.length && !('rotateTo' in this.queue[0]!) && (batch.length === 0 || characters < MAX_BATCH_CHARACTERS)) {
      const item = this.queue.shift() as Waiting;
      characters += item.json.length;
      batch.push(item);
    }
    return batch;
  }

  private async write(handle: FileHandle, text: string): Promise<void> {
    const bytes = Buffer.from(text);
    if (this.suspect) await handle.truncate(this.length);
    this.suspect = true;
    // Plain writes rather than appendFile: a batch is written for every fsync of a run, and
    // appendFile's stream-like machinery cost more CPU than the write itself.
    for (let written = 0; written < bytes.length; ) written += (await handle.write(bytes, written)).bytesWritten;
    await handle.sync();
    // A new file's name is durable only once its folder is.
    if (this.length === 0) await syncFolder(path.dirname(this.file));
    this.length += bytes.length;
    this.suspect = false;
  }
}

/**
 * Reads a journal file line by line (never as one string). A line that does not parse can only
 * be the last, torn by a crash mid-append and never acknowledged: reading stops there.
 * Lines that `wanted` turns down are not parsed (nor visited). Returns the length in bytes of
 * the whole lines read.
 */
export async function readJournal(file: string, visit: (line: JournalLine) => void, wanted: (text: string) => boolean = () => true): Promise<number> {
  const size = await stat(file).then((stats) => stats.size, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return -1;
    throw new Error(`store: unable to read ${file}: ${err.message}`);
  });
  if (size < 0) return 0;
  let length = 0;
  // A line is taken once the next one starts: only then is its newline known to be there.
  let pending: { line: JournalLine; bytes: number } | undefined;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      if (pending) {
        visit(pending.line);
        length += pending.bytes;
        pending = undefined;
      }
      if (!text || !wanted(text)) {
        length += Buffer.byteLength(text) + 1;
        continue;
      }
      try {
        pending = { line: JSON.parse(text) as JournalLine, bytes: Buffer.byteLength(text) + 1 };
      } catch {
        break;
      }
    }
  } catch (err) {
    throw new Error(`store: unable to read ${file}: ${(err as Error).message}`);
  } finally {
    lines.close();
  }
  if (pending && length + pending.bytes <= size) {
    visit(pending.line);
    length += pending.bytes;
  }
  return Math.min(length, size);
}
