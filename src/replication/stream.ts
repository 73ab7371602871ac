/** The replication stream's wire form: every command is a RESP multibulk of bulk strings. */

/** `*N\r\n$len\r\narg\r\n…` for latin1 byte-string arguments (replicationFeedSlaves). */
export function encodeCommand(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** SELECT <db> as the master emits it before a command of another database. */
export function selectCommand(db: number): string {
  return encodeCommand(['SELECT', String(db)]);
}
