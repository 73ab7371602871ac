/**
 * `daemonize yes` (Redis daemonize(): fork, the parent exits, the child starts a new session with its
 * stdio on /dev/null). Node cannot fork, so the server starts a detached copy of itself — same
 * program, same arguments with `--daemonize no` appended, its own session, stdio on /dev/null — and
 * the caller exits 0 at once. The copy writes the pidfile with its own pid, as the Redis child does;
 * with `logfile ""` its log goes nowhere, as Redis's does.
 */
import { spawn } from 'node:child_process';

/** Starts the background copy and returns its pid; the caller then exits. */
export function daemonize(): number {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...process.argv.slice(1), '--daemonize', 'no'],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
  if (child.pid === undefined) throw new Error('daemonize: could not start the background server');
  return child.pid;
}
