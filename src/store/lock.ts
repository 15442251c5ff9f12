// One process at a time owns DATA_DIR: two writers of the same lowdb file would overwrite each
// other's changes. A lock left by a process that died (SIGKILL) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class StoreLockedError extends Error {
  constructor(readonly pid: number, dataDir: string) {
    super(`store: ${dataDir} is in use by another Notiziario process (pid ${pid})`);
  }
}

export interface StoreLock {
  release(): void;
}

export function lockDataDir(dataDir: string): StoreLock {
  const file = path.join(dataDir, 'notiziario.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return { release: () => unlinkSync(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8'));
      if (isAlive(owner)) throw new StoreLockedError(owner, dataDir);
      unlinkSync(file);
    }
  }
  throw new Error(`store: unable to lock ${dataDir}`);
}

/** The pid of the live process holding DATA_DIR, if any. */
export function lockOwner(dataDir: string): number | undefined {
  try {
    const owner = Number(readFileSync(path.join(dataDir, 'notiziario.lock'), 'utf8'));
    return isAlive(owner) ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
