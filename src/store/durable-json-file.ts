// A lowdb adapter that never leaves a half-written file: temp file, fsync, rename, fsync the folder.
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

export class DurableJSONFile<T> implements Adapter<T> {
  private readonly tempFile: string;

  constructor(private readonly file: string) {
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
      await handle.writeFile(JSON.stringify(data));
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
