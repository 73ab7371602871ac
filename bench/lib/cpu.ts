/** CPU time of the tunnel daemons, for the VPN benchmark. */
/** User+system CPU seconds consumed so far by a process and its threads (from /proc/PID/stat). */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * CPU time of every live thread of `pid`, in seconds, with nanosecond resolution (schedstat); for
 * short measurements where /proc/<pid>/stat's 10 ms ticks are too coarse.
 */
export async function cpuSecondsPrecise(pid: number): Promise<number> {
  const { readFile, readdir } = await import('node:fs/promises');
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      ns += Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]);
    } catch {
      // the thread ended between readdir and readFile
    }
  }
  return ns / 1e9;
}
