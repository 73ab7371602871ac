/**
 * Writing a file so that a crash at any moment leaves either the old file or the new one, never a
 * mix (rdbSave: temp-<pid>.rdb, fflush, fsync, rename, then fsync of the directory so the rename
 * itself is durable).
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `bytes` to `path` atomically; on failure the temporary file is removed and `path` untouched. */
export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  const temp = join(dir, `temp-${process.pid}.rdb`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w', 0o644);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw err;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
