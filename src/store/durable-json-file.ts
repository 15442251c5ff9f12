// A lowdb adapter that never leaves a half-written file: temp file, fsync, rename, fsync the folder.
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/** How much JSON is built before it is handed to the disk (and the event loop gets a turn). */
const CHUNK_CHARACTERS = 1 << 20;

export interface DurableJSONFileOptions {
  /**
   * Serialise top-level arrays a record at a time, in chunks, instead of one JSON.stringify of
   * the whole store: requests are served between chunks and no single string has to hold the
   * whole file. Only for data whose records are replaced, never changed in place.
   */
  chunked?: boolean;
}

export class DurableJSONFile<T> implements Adapter<T> {
  private readonly tempFile: string;

  constructor(
    private readonly file: string,
    private readonly options: DurableJSONFileOptions = {},
  ) {
    this.tempFile = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`store: unable to read ${this.file}: ${(err as Error).message}`);
    }
  }

  async write(data: T): Promise<void> {
    const handle = await open(this.tempFile, 'w', 0o600);
    try {
      if (this.options.chunked) await writeInChunks(handle, data as object);
      else await handle.writeFile(JSON.stringify(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tempFile, this.file);
    // The rename itself is durable only once the folder's entry is on disk.
    const folder = await open(path.dirname(this.file), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

async function writeInChunks(handle: FileHandle, data: object): Promise<void> {
  // The arrays are copied now, synchronously: the file is this one moment of the store even if
  // records are added or replaced while the chunks are written.
  const snapshot = Object.entries(data).map(([key, value]) => [key, Array.isArray(value) ? value.slice() : value] as const);
  let pending = '{';
  const emit = async (text: string) => {
    pending += text;
    if (pending.length < CHUNK_CHARACTERS) return;
    await handle.writeFile(pending);
    pending = '';
  };
  for (const [index, [key, value]] of snapshot.entries()) {
    await emit(`${index ? ',' : ''}${JSON.stringify(key)}:`);
    if (!Array.isArray(value)) {
      await emit(JSON.stringify(value));
      continue;
    }
    await emit('[');
    for (let item = 0; item < value.length; item += 1) await emit(`${item ? ',' : ''}${JSON.stringify(value[item])}`);
    await emit(']');
  }
  await handle.writeFile(`${pending}}`);
}
