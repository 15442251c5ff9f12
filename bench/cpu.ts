// CPU time of the benchmark's own main thread (the service's event loop), apart from its worker threads.
import { readFile } from 'node:fs/promises';

/** User + system CPU time of this process's main thread, from /proc (Linux), in ms. */
export async function mainThreadCpuMs(): Promise<number> {
  const stat = await readFile(`/proc/self/task/${process.pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux build this bench runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
