// One process at a time owns DATA_DIR: two writers of the same lowdb file would overwrite each
// other's changes. A lock left by a process that is gone is taken over: one that died (SIGKILL),
// one from before a reboot (another boot id, its pid maybe reused), or one with our own pid (a
// container's pid 1 restarted after a crash).
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'notiziario.lock';

export class StoreLockedError extends Error {
  constructor(readonly pid: number, dataDir: string) {
    super(`store: ${dataDir} is in use by another Notiziario process (pid ${pid})`);
  }
}

export interface StoreLock {
  release(): void;
}

export function lockDataDir(dataDir: string): StoreLock {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid} ${bootId()}\n`, { flag: 'wx' });
      return { release: () => unlinkSync(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = liveOwner(file);
      if (owner !== undefined) throw new StoreLockedError(owner, dataDir);
      unlinkSync(file);
    }
  }
  throw new Error(`store: unable to lock ${dataDir}`);
}

/** The pid of the other live process holding DATA_DIR, if any. */
export function lockOwner(dataDir: string): number | undefined {
  return liveOwner(path.join(dataDir, LOCK_FILE));
}

function liveOwner(file: string): number | undefined {
  let fields: string[];
  try {
    fields = readFileSync(file, 'utf8').trim().split(/\s+/);
  } catch {
    return undefined;
  }
  const [pid, boot] = [Number(fields[0]), fields[1]];
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  if (boot && bootId() && boot !== bootId()) return undefined;
  return isAlive(pid) ? pid : undefined;
}

/** Changes at every boot (Linux); empty elsewhere, where only the pid is checked. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
