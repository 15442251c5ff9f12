// The snapshot files: one JSON object whose members are scalars or arrays of records, read and
// written a record at a time. No string or buffer ever holds a whole file, so no size of store
// meets V8's longest string (about 512 MB). Written files keep a record per line, so people can
// read them and tools can diff them, and stay plain JSON that lowdb or `jq` can open.
import { createReadStream } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Adapter } from 'lowdb';

/** How much JSON is built before it is handed to the disk and the event loop gets a turn. */
const CHUNK_CHARACTERS = 1 << 20;

/** A snapshot as lowdb holds it: the top-level scalars, and each top-level array of records. */
export interface SnapshotDocument {
  scalars: Record<string, unknown>;
  arrays: Record<string, Iterable<unknown>>;
}

/**
 * lowdb's adapter for a snapshot file, read and written a record at a time: lowdb stays the
 * JSON store, without the one-string limit of its own adapters (which read and write a file as
 * one string).
 */
export class StreamingJSONFile implements Adapter<SnapshotDocument> {
  constructor(private readonly file: string) {}

  async read(): Promise<SnapshotDocument | null> {
    const scalars: Record<string, unknown> = {};
    const arrays: Record<string, unknown[]> = {};
    const exists = await readDocument(this.file, {
      scalar: (key, value) => void (scalars[key] = value),
      record: (key, value) => void (arrays[key] ??= []).push(value),
    });
    return exists ? { scalars, arrays } : null;
  }

  write(document: SnapshotDocument): Promise<void> {
    return writeDocument(this.file, document.scalars, document.arrays);
  }
}

export interface DocumentVisitor {
  scalar(key: string, value: unknown): void;
  record(key: string, value: unknown): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Reads a document streaming, in any layout (one line, or a record per line), calling the
 * visitor per top-level scalar and per element of each top-level array. False when the file
 * does not exist. Works on bytes: every structural character of JSON is ASCII.
 */
export async function readDocument(file: string, visitor: DocumentVisitor): Promise<boolean> {
  const scanner = new DocumentScanner(visitor);
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) scanner.feed(chunk as Buffer);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`store: unable to read ${file}: ${(err as Error).message}`);
  }
  scanner.end(file);
  return true;
}

class DocumentScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The array being read (depth 2 is inside it), or undefined between members. */
  private arrayKey: string | undefined;
  /** Pieces of the token being read: a member's text at depth 1, an element at depth 2. */
  private pieces: Buffer[] = [];
  private tokenStart = -1;
  private element: 'object' | 'string' | 'scalar' | undefined;

  constructor(private readonly visitor: DocumentVisitor) {}

  feed(chunk: Buffer): void {
    const length = chunk.length;
    let nextQuote = -1;
    let nextBackslash = -1;
    let i = 0;
    while (i < length) {
      if (this.inString) {
        // Most bytes are inside strings: jump to the next quote or backslash.
        if (this.escaped) {
          this.escaped = false;
          i += 1;
          continue;
        }
        if (nextQuote < i) nextQuote = indexOr(chunk, QUOTE, i, length);
        if (nextBackslash < i) nextBackslash = indexOr(chunk, BACKSLASH, i, length);
        if (nextBackslash < nextQuote) {
          this.escaped = true;
          i = nextBackslash + 1;
          continue;
        }
        if (nextQuote >= length) break;
        i = nextQuote + 1;
        this.inString = false;
        if (this.depth === 2 && this.element === 'string') this.endElement(chunk, i);
        continue;
      }
      const byte = chunk[i]!;
      if (byte === QUOTE) {
        this.inString = true;
        if (this.depth === 2 && !this.element) this.startElement(i, 'string');
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === 0) this.startToken(i + 1);
        else if (this.depth === 1) {
          if (byte === OPEN_BRACE) throw new Error('store: a top-level member that is an object is not supported');
          this.arrayKey = parseKey(this.takeToken(chunk, i));
        } else if (this.depth === 2 && !this.element) this.startElement(i, 'object');
        this.depth += 1;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (this.depth === 2 && this.element === 'scalar') this.endElement(chunk, i);
        this.depth -= 1;
        if (this.depth === 2 && this.element === 'object') this.endElement(chunk, i + 1);
        else if (this.depth === 1) {
          this.arrayKey = undefined;
          this.startToken(i + 1);
        } else if (this.depth === 0) this.member(this.takeToken(chunk, i));
      } else if (byte === COMMA) {
        if (this.depth === 1) {
          this.member(this.takeToken(chunk, i));
          this.startToken(i + 1);
        } else if (this.depth === 2 && this.element === 'scalar') this.endElement(chunk, i);
      } else if (this.depth === 2 && !this.element && !isSpace(byte)) this.startElement(i, 'scalar');
      i += 1;
    }
    if (this.tokenStart >= 0) {
      this.pieces.push(chunk.subarray(this.tokenStart));
      this.tokenStart = 0;
    }
  }

  end(file: string): void {
    if (this.depth !== 0 || this.inString) throw new Error(`store: ${file} ends before its JSON does (a truncated file?)`);
  }

  private startToken(at: number): void {
    this.pieces = [];
    this.tokenStart = at;
  }

  private takeToken(chunk: Buffer, end: number): string {
    const text = Buffer.concat([...this.pieces, chunk.subarray(Math.max(0, this.tokenStart), end)]).toString('utf8');
    this.pieces = [];
    this.tokenStart = -1;
    return text;
  }

  private startElement(at: number, kind: 'object' | 'string' | 'scalar'): void {
    this.element = kind;
    this.startToken(at);
  }

  private endElement(chunk: Buffer, end: number): void {
    const text = this.takeToken(chunk, end);
    this.element = undefined;
    this.visitor.record(this.arrayKey!, JSON.parse(text));
  }

  /** A top-level member's text: `"key":value` for a scalar, empty or `,` around arrays. */
  private member(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    const parsed = JSON.parse(`{${trimmed}}`) as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) this.visitor.scalar(key, value);
  }
}

function indexOr(chunk: Buffer, byte: number, from: number, otherwise: number): number {
  const index = chunk.indexOf(byte, from);
  return index < 0 ? otherwise : index;
}

function parseKey(text: string): string {
  const trimmed = text.trim();
  return JSON.parse(trimmed.slice(0, trimmed.lastIndexOf(':'))) as string;
}

/**
 * Writes a document a record per line: temp file, fsync, rename, fsync of the folder, so the
 * file is always either the old one or the new one, whole. Each array is read as the writing
 * gets to it (a live iterator sees changes made meanwhile); between chunks the event loop
 * serves requests.
 */
export async function writeDocument(file: string, scalars: Record<string, unknown>, arrays: Record<string, Iterable<unknown>>): Promise<void> {
  const tempFile = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const handle = await open(tempFile, 'w', 0o600);
  try {
    const out = chunkedWriter(handle);
    const members = [...Object.entries(scalars).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)];
    await out(`{${members.join(',')}`);
    for (const [key, records] of Object.entries(arrays)) {
      await out(`${members.length ? ',' : ''}\n${JSON.stringify(key)}:[`);
      members.push(key);
      let separator = '';
      for (const record of records) {
        await out(`${separator}\n${JSON.stringify(record)}`);
        separator = ',';
      }
      await out('\n]');
    }
    await out('}\n', true);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tempFile, file);
  await syncFolder(path.dirname(file));
}

/** Collects text and writes it in chunks, yielding to the event loop after each. */
function chunkedWriter(handle: FileHandle): (text: string, last?: boolean) => Promise<void> {
  let pending = '';
  return async (text, last = false) => {
    pending += text;
    if (pending.length < CHUNK_CHARACTERS && !last) return;
    await handle.write(pending);
    pending = '';
    await yieldToEventLoop();
  };
}

/** A rename or a new file is durable only once its folder's entry is on disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
