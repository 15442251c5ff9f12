// Sources (feeds fetched from elsewhere) over the engine. Which article an item became is kept on
// the article itself (ArticleRecord.source), written in the same journal entry as the article:
// a crash between "article written" and "item remembered" cannot happen, so it cannot duplicate.
import type { SourceRecord } from '../domain/source.js';
import type { Engine } from './collections.js';
import { createKeyedQueue } from './keyed-queue.js';

/** The questions and writes the ingest asks of its storage (a PostgreSQL one would answer the same). */
export interface SourceStore {
  byId(id: string): SourceRecord | undefined;
  /** Every source (copies are not needed: records are replaced, never changed). */
  all(): SourceRecord[];
  save(source: SourceRecord): Promise<void>;
  /** Applies `change` to the source as it is when its turn comes; nothing if it was removed. */
  update(id: string, change: (source: SourceRecord) => Partial<SourceRecord>): Promise<SourceRecord | undefined>;
  remove(id: string): Promise<void>;
}

export function createSourceStore(engine: Engine): SourceStore {
  const sources = new Map<string, SourceRecord>();
  const oneAtATime = createKeyedQueue();
  engine.register({
    name: 'sources',
    put: (record) => void sources.set((record as SourceRecord).id, record as SourceRecord),
    delete: (id) => void sources.delete(id),
    records: () => [...sources.values()],
  });

  return {
    byId: (id) => sources.get(id),
    all: () => [...sources.values()],
    save: (source) => oneAtATime(source.id, () => engine.commit([{ collection: 'sources', id: source.id, record: source }])),
    update: (id, change) =>
      oneAtATime(id, async () => {
        const before = sources.get(id);
        if (!before) return undefined;
        const after = { ...before, ...change(before), id };
        await engine.commit([{ collection: 'sources', id, record: after }]);
        return after;
      }),
    remove: (id) => oneAtATime(id, () => engine.commit([{ collection: 'sources', id }])),
  };
}
