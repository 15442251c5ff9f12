// CPU time of whole processes (every thread), from /proc (Linux): on a shared 2-core machine the
// wall time of a run says how much of the machine it got; its CPU time says what it cost.
import { readFile } from 'node:fs/promises';

/** USER_HZ: 100 on every Linux build this bench runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of a process so far, in ms; 0 when it is gone. */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return 0;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time per process id, read at one moment. */
export async function cpuOf(pids: readonly number[]): Promise<Map<number, number>> {
  return new Map(await Promise.all(pids.map(async (pid) => [pid, await processCpuMs(pid)] as const)));
}

/** CPU spent between two readings by the processes of the second (one that started between them counts whole). */
export function cpuSpent(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}
