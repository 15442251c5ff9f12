// Changes to records asked for close together, written together: each write takes the changes
// asked for in the `windowMs` before it and while the write before it was under way, merged per
// record. Many small writes in a burst (a run finishing digests, a WebSub fan-out acknowledging
// pushes) cost a few writes, not one each.

/** Returns `change(id, changes)`, which resolves once the write that took it has ended. */
export function gatherChanges<R>(windowMs: number, write: (changed: ReadonlyMap<string, Partial<R>>) => Promise<void>): (id: string, changes: Partial<R>) => Promise<void> {
  let gathered = new Map<string, Partial<R>>();
  let next: Promise<void> | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  return (id, changes) => {
    gathered.set(id, { ...gathered.get(id), ...changes });
    next ??= Promise.all([writing, new Promise((resolve) => setTimeout(resolve, windowMs))]).then(() => {
      const group = gathered;
      gathered = new Map();
      next = undefined;
      return write(group);
    });
    writing = next.catch(() => undefined);
    return next;
  };
}
