// The only module that touches lowdb: loads and migrates the file, and persists changes in
// coalesced writes that resolve only once the data is on disk.
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DurableJSONFile, type DurableJSONFileOptions } from './durable-json-file.js';
import { migrate, type FileSchema } from './schema.js';

export interface Database<T> {
  readonly data: T;
  /** True when the file did not exist before this start. */
  readonly created: boolean;
  /** Writes the data; resolves once every change made before the call is on disk. */
  persist(): Promise<void>;
  /** Resolves once the writes already asked for are done (writes nothing new). */
  settled(): Promise<void>;
}

export async function openDatabase<T>(file: string, schema: FileSchema<T>, options: DurableJSONFileOptions = {}): Promise<Database<T>> {
  await mkdir(path.dirname(file), { recursive: true });
  const low = new Low<T>(new DurableJSONFile<T>(file, options), schema.empty());
  await low.read();
  const created = !(await access(file).then(() => true, () => false));
  const { data, migrated } = migrate(schema, low.data as { schemaVersion?: number });
  low.data = data;
  const database = { data, created, ...coalescedWriter(() => low.write()) };
  if (migrated || created) await database.persist();
  return database;
}

/**
 * Many changes in a burst share one write: a caller waits for the write that starts after its
 * change, never for a write that was already under way when it changed the data.
 */
function coalescedWriter(write: () => Promise<void>): Pick<Database<unknown>, 'persist' | 'settled'> {
  let inFlight: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return {
    persist() {
      if (queued) return queued;
      const next = inFlight.then(() => {
        queued = undefined;
        return write();
      });
      queued = next;
      inFlight = next.catch(() => undefined);
      return next;
    },
    settled: () => queued ?? inFlight,
  };
}
