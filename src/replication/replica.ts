/**
 * The replica side (replication.c: connectWithMaster, syncWithMaster, slaveTryPartialResynchronization,
 * readSyncBulkPayload, replicationSendAck, replicationCron's replica part).
 *
 * The link goes: connect → handshake (PING; AUTH + REPLCONF listening-port [+ ip-address] + REPLCONF
 * capa eof capa psync2 pipelined, their replies read one by one; PSYNC) → either +CONTINUE (the stream
 * follows) or +FULLRESYNC and a payload (`$<len>` + bytes, or `$EOF:<mark>` + bytes + mark) → the
 * stream. A payload is decoded apart from the dataset and swapped in only when it is whole and valid,
 * so a corrupt or truncated one never touches the data. A dropped link keeps the master's id and
 * offset (the cached master) for PSYNC on the next attempt, made by the once-per-second cron.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { PING_REPLY_AUTH_PREFIXES, RequestParser } from '../resp/index.js';
import type { Keyspace } from '../store/index.js';
import { RDB_EOF_MARK_SIZE, type ReplicaLinkState } from './constants.js';
import { isReplid } from './ids.js';
import { LinkReader } from './link-reader.js';
import type { MasterSide } from './master.js';
import type { ReplicationOffsets } from './offsets.js';
import { encodeCommand } from './stream.js';
import type { MasterClient, ReplicationHost, ReplicationRdb } from './types.js';

/** A link attempt that failed: logged as Redis does, then retried by the cron. */
class LinkError extends Error {}

/**
 * Where a payload goes while it arrives. repl-diskless-load disabled (or on-empty-db with data): a
 * temp file in `dir`, written as the bytes come, renamed to dbfilename and loaded once whole, so the
 * payload is never held in memory during the transfer; otherwise in memory ("to parser"). Either
 * way the live dataset is replaced only by a whole payload that decodes.
 */
interface PayloadSink {
  readonly target: 'disk' | 'parser';
  write(bytes: Buffer): void;
  /** The payload is whole: decode it (a file then becomes dbfilename). Throws when it cannot. */
  decode(): { readonly keyspace: Keyspace; readonly aux: ReadonlyMap<string, string> };
  /** The transfer failed: drop what was received (the temp file is removed). */
  discard(): void;
}

function memorySink(rdb: ReplicationRdb): PayloadSink {
  let chunks: Buffer[] = [];
  return {
    target: 'parser',
    write: (bytes) => void chunks.push(bytes),
    decode: () => {
      const payload = Buffer.concat(chunks);
      chunks = [];
      return rdb.decode(payload);
    },
    discard: () => {
      chunks = [];
    },
  };
}

function fileSink(rdb: ReplicationRdb, log: (line: string) => void): PayloadSink {
  const { temp, final, removeAfterLoad } = rdb.transferFiles();
  const fd = openSync(temp, 'w', 0o644);
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    target: 'disk',
    write: (bytes) => {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    },
    decode: () => {
      close();
      // Decoded before the rename, so a payload that does not decode never replaces dbfilename.
      const decoded = rdb.decodeFile(temp);
      renameSync(temp, final);
      if (removeAfterLoad) {
        log('Removing the RDB file obtained from the master. This replica has persistence disabled');
        rmSync(final, { force: true });
      }
      return decoded;
    },
    discard: () => {
      close();
      rmSync(temp, { force: true });
    },
  };
}

interface Transfer {
  /** -1 before the `$` line, 0 for EOF framing, else the announced size. */
  total: number;
  read: number;
  lastIoMs: number;
}

export class ReplicaSide {
  linkState: ReplicaLinkState = 'connect';
  private socket: Socket | undefined;
  private reader: LinkReader | undefined;
  private masterClient: MasterClient | undefined;
  /** The attempt in progress; a newer attempt or a stop makes the old one's callbacks no-ops. */
  private attempt = 0;
  /** What PSYNC asks for: the cached master (or this server's own history), or nothing (`? -1`). */
  psyncFrom: { readonly replid: string; readonly offset: number } | undefined;
  /**
   * FAILOVER in progress on this (old) master: PSYNC carries FAILOVER so the target promotes itself;
   * told whether the target took it (+CONTINUE or +FULLRESYNC) or not.
   */
  failover: ((accepted: boolean) => void) | undefined;
  transfer: Transfer | undefined;
  /** master->read_reploff: stream bytes read (applied or not). */
  readReplOffset = 0;
  lastIoMs = 0;
  /** repl_down_since: 0 until a link was lost. */
  linkDownSinceMs = 0;
  private connectStartedMs = 0;
  /** Stream parsing: commands, and the bytes they came in (proxied as they are). */
  private parser: RequestParser | undefined;
  private fed = 0;
  private consumed = 0;
  private raw: Buffer[] = [];
  /** Inside MULTI: the offset advances at EXEC, so a link lost mid-transaction resumes before it. */
  private inTransaction = false;
  private transactionBytes: Buffer[] = [];
  private stopped = false;

  constructor(
    private readonly host: ReplicationHost,
    private readonly offsets: ReplicationOffsets,
    private readonly master: MasterSide,
    readonly masterHost: string,
    readonly masterPort: number,
  ) {}

  /** connectWithMaster. */
  connect(): void {
    if (this.stopped || this.linkState !== 'connect') return;
    const attempt = ++this.attempt;
    this.linkState = 'connecting';
    this.connectStartedMs = Date.now();
    this.host.log(`Connecting to MASTER ${this.masterHost}:${this.masterPort}`);
    const socket = connect({ host: this.masterHost, port: this.masterPort });
    const reader = new LinkReader();
    this.socket = socket;
    this.reader = reader;
    socket.setNoDelay(!this.host.settings().replDisableTcpNodelay);
    socket.on('data', (bytes: Buffer) => {
      if (attempt !== this.attempt) return;
      this.lastIoMs = Date.now();
      if (this.parser !== undefined) this.onStream(bytes);
      else reader.push(bytes);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (attempt !== this.attempt) return;
      if (this.linkState === 'connecting') {
        this.host.log(`Error condition on socket for SYNC: ${errnoText(err)}`);
      }
      reader.fail(new LinkError(errnoText(err)));
    });
    socket.on('close', () => {
      if (attempt !== this.attempt) return;
      reader.fail(new LinkError('connection lost'));
      this.linkLost();
    });
    this.host.log('MASTER <-> REPLICA sync started');
    socket.once('connect', () => {
      if (attempt !== this.attempt) return;
      this.host.log('Non blocking connect for SYNC fired the event.');
      this.linkState = 'handshake';
      this.handshake(socket, reader, attempt).catch((err: unknown) => {
        if (attempt !== this.attempt) return;
        if (!(err instanceof LinkError)) this.host.log(`Replication link error: ${String(err)}`);
        this.drop();
      });
    });
  }

  private timeoutMs(): number {
    return this.host.settings().replTimeout * 1000;
  }

  /** syncWithMaster's states, in the order the bytes flow. */
  private async handshake(socket: Socket, reader: LinkReader, attempt: number): Promise<void> {
    const s = this.host.settings();
    const timeout = this.timeoutMs();
    socket.write(encodeCommand(['PING']));
    const pong = await reader.readLine(timeout, 'receiving PING reply from master');
    if (pong.startsWith('-') && !PING_REPLY_AUTH_PREFIXES.some((p) => pong.startsWith(p))) {
      this.host.log(`Error reply to PING from master: '${pong}'`);
      throw new LinkError(pong);
    }
    this.host.log('Master replied to PING, replication can continue...');
    let pipeline = '';
    const hasAuth = s.masterauth !== '';
    if (hasAuth) {
      pipeline += encodeCommand(
        s.masteruser !== '' ? ['AUTH', s.masteruser, s.masterauth] : ['AUTH', s.masterauth],
      );
    }
    const port = s.replicaAnnouncePort !== 0 ? s.replicaAnnouncePort : s.port;
    pipeline += encodeCommand(['REPLCONF', 'listening-port', String(port)]);
    if (s.replicaAnnounceIp !== '')
      pipeline += encodeCommand(['REPLCONF', 'ip-address', s.replicaAnnounceIp]);
    pipeline += encodeCommand(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    socket.write(pipeline);
    if (hasAuth) {
      const auth = await reader.readLine(timeout, 'receiving AUTH reply from master');
      if (auth.startsWith('-')) {
        this.host.log(`Unable to AUTH to MASTER: ${auth}`);
        throw new LinkError(auth);
      }
    }
    const portReply = await reader.readLine(timeout, 'receiving REPLCONF reply from master');
    if (portReply.startsWith('-')) {
      this.host.log(`(Non critical) Master does not understand REPLCONF listening-port: ${portReply}`);
    }
    if (s.replicaAnnounceIp !== '') {
      const ipReply = await reader.readLine(timeout, 'receiving REPLCONF reply from master');
      if (ipReply.startsWith('-')) {
        this.host.log(`(Non critical) Master does not understand REPLCONF ip-address: ${ipReply}`);
      }
    }
    const capa = await reader.readLine(timeout, 'receiving REPLCONF reply from master');
    if (capa.startsWith('-')) {
      this.host.log(`(Non critical) Master does not understand REPLCONF capa: ${capa}`);
    }
    await this.psync(socket, reader, attempt);
  }

  /** slaveTryPartialResynchronization. */
  private async psync(socket: Socket, reader: LinkReader, attempt: number): Promise<void> {
    const cached = this.psyncFrom;
    if (cached !== undefined) {
      this.host.log(`Trying a partial resynchronization (request ${cached.replid}:${cached.offset + 1}).`);
      const argv = ['PSYNC', cached.replid, String(cached.offset + 1)];
      if (this.failover !== undefined) argv.push('FAILOVER');
      socket.write(encodeCommand(argv));
    } else {
      this.host.log('Partial resynchronization not possible (no cached master)');
      socket.write(encodeCommand(['PSYNC', '?', '-1']));
    }
    let reply = '';
    // An empty line is the master's keep-alive while it prepares the payload.
    while (reply === '') reply = await reader.readLine(this.timeoutMs(), 'receiving PSYNC reply from master');
    const failover = this.failover;
    this.failover = undefined;
    failover?.(reply.startsWith('+CONTINUE') || reply.startsWith('+FULLRESYNC'));
    if (failover !== undefined && this.stopped) throw new LinkError(reply);
    if (reply.startsWith('+FULLRESYNC')) {
      const [, replid = '', offsetText = ''] = reply.split(' ');
      const offset = Number(offsetText);
      if (!isReplid(replid) || !Number.isSafeInteger(offset)) {
        this.host.log('Master replied with wrong +FULLRESYNC syntax.');
        throw new LinkError(reply);
      }
      this.host.log(`Full resync from master: ${replid}:${offset}`);
      this.linkState = 'sync';
      await this.receivePayload(socket, reader, attempt, replid, offset);
      return;
    }
    if (reply.startsWith('+CONTINUE')) {
      const newId = reply.slice('+CONTINUE'.length).trim();
      this.host.log('Successful partial resynchronization with master.');
      if (newId !== '' && cached !== undefined && newId !== this.offsets.replid && isReplid(newId)) {
        // The master's history has a new id (it was promoted): ours follows, the old one is replid2.
        this.offsets.masterReplOffset = cached.offset;
        this.offsets.shiftReplicationId(newId);
        this.host.log(`Master replication ID changed to ${newId}`);
        this.master.disconnectAll();
      }
      this.host.log('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      this.startStream(socket, attempt, reader.takeAll());
      return;
    }
    if (reply.startsWith('-NOMASTERLINK') || reply.startsWith('-LOADING')) {
      this.host.log(`Master is currently unable to PSYNC but should be in the future: ${reply}`);
    } else {
      this.host.log(`Unexpected reply to PSYNC from master: ${reply}`);
    }
    throw new LinkError(reply);
  }

  /**
   * readSyncBulkPayload: both framings, to disk or to memory (repl-diskless-load); the dataset is
   * replaced only by a whole, valid payload.
   */
  private async receivePayload(
    socket: Socket,
    reader: LinkReader,
    attempt: number,
    replid: string,
    offset: number,
  ): Promise<void> {
    const transfer: Transfer = { total: -1, read: 0, lastIoMs: Date.now() };
    this.transfer = transfer;
    let header = '';
    while (header === '') header = await reader.readLine(this.timeoutMs(), 'receiving bulk data from MASTER');
    if (header.startsWith('-')) {
      this.host.log(`MASTER aborted replication with an error: ${header.slice(1)}`);
      throw new LinkError(header);
    }
    if (!header.startsWith('$')) {
      this.host.log(
        `Bad protocol from MASTER, the first byte is not '$' (we received '${header}'), are you sure the host and port are right?`,
      );
      throw new LinkError(header);
    }
    const eof = header.startsWith('$EOF:') && header.length === 5 + RDB_EOF_MARK_SIZE;
    const size = Number(header.slice(1));
    if (!eof && (!Number.isSafeInteger(size) || size < 0)) {
      this.host.log(`Bad protocol from MASTER: payload size '${header}'`);
      throw new LinkError(header);
    }
    const sink = this.openSink();
    let rest: Buffer;
    try {
      if (eof) {
        transfer.total = 0;
        this.host.log(
          `MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to ${sink.target}`,
        );
        rest = await this.readUntilMark(reader, transfer, sink, Buffer.from(header.slice(5), 'latin1'));
      } else {
        transfer.total = size;
        this.host.log(`MASTER <-> REPLICA sync: receiving ${size} bytes from master to ${sink.target}`);
        rest = await this.readExactly(reader, transfer, sink, size);
      }
    } catch (err) {
      sink.discard();
      throw err;
    }
    if (attempt !== this.attempt) {
      sink.discard();
      return;
    }
    this.load(sink, replid, offset);
    this.transfer = undefined;
    this.startStream(socket, attempt, rest);
    if (eof) this.sendAck();
  }

  /** useDisklessLoad: swapdb always loads from memory, on-empty-db only into an empty dataset. */
  private openSink(): PayloadSink {
    const rdb = this.host.rdb;
    if (rdb === undefined) {
      this.host.log(
        'Failed trying to load the MASTER synchronization DB from disk: this server has no RDB loader',
      );
      throw new LinkError('no rdb');
    }
    const mode = this.host.settings().replDisklessLoad;
    const empty = this.host.keyspace.databases.every((db) => db.size === 0);
    if (mode === 'swapdb' || (mode === 'on-empty-db' && empty)) return memorySink(rdb);
    try {
      return fileSink(rdb, (line) => this.host.log(line));
    } catch (err) {
      this.host.log(
        `Opening the temp file needed for MASTER <-> REPLICA synchronization: ${(err as Error).message}`,
      );
      throw new LinkError('temp file');
    }
  }

  private async readExactly(
    reader: LinkReader,
    transfer: Transfer,
    sink: PayloadSink,
    size: number,
  ): Promise<Buffer> {
    for (;;) {
      const bytes = reader.takeAll();
      const need = size - transfer.read;
      if (bytes.length >= need) {
        sink.write(bytes.subarray(0, need));
        transfer.read += need;
        return bytes.subarray(need);
      }
      if (bytes.length > 0) {
        sink.write(bytes);
        transfer.read += bytes.length;
        transfer.lastIoMs = Date.now();
      }
      await this.awaitBytes(reader);
    }
  }

  /**
   * EOF framing: the payload ends with the mark, known only when the last bytes received are it, so
   * the last mark-length bytes are held back from the sink until more arrive (a mark may span reads).
   */
  private async readUntilMark(
    reader: LinkReader,
    transfer: Transfer,
    sink: PayloadSink,
    mark: Buffer,
  ): Promise<Buffer> {
    let tail = Buffer.alloc(0);
    for (;;) {
      const bytes = reader.takeAll();
      if (bytes.length > 0) {
        transfer.read += bytes.length;
        transfer.lastIoMs = Date.now();
        const seen = tail.length === 0 ? bytes : Buffer.concat([tail, bytes]);
        if (seen.length >= mark.length && seen.subarray(seen.length - mark.length).equals(mark)) {
          sink.write(seen.subarray(0, seen.length - mark.length));
          transfer.read -= mark.length;
          return Buffer.alloc(0);
        }
        const keep = Math.min(mark.length, seen.length);
        sink.write(seen.subarray(0, seen.length - keep));
        tail = Buffer.from(seen.subarray(seen.length - keep));
      }
      await this.awaitBytes(reader);
    }
  }

  /** Waits for the next read of the payload (the cron enforces repl-timeout on transfer.lastIoMs). */
  private awaitBytes(reader: LinkReader): Promise<void> {
    return reader.arrival(this.timeoutMs() + 1000, 'receiving bulk data from MASTER');
  }

  /**
   * The payload is whole: decode it apart, then swap it in (emptyData + rdbLoad). Throws LinkError
   * (dataset untouched) when it cannot be decoded.
   */
  private load(sink: PayloadSink, replid: string, offset: number): void {
    let decoded: { readonly keyspace: Keyspace; readonly aux: ReadonlyMap<string, string> };
    try {
      decoded = sink.decode();
    } catch (err) {
      sink.discard();
      this.host.log(
        `Short read or OOM loading DB. Unrecoverable error, aborting now: ${(err as Error).message}`,
      );
      this.host.log(
        sink.target === 'disk'
          ? 'Failed trying to load the MASTER synchronization DB from disk, check server logs.'
          : 'Failed trying to load the MASTER synchronization DB from socket, check server logs.',
      );
      if (sink.target === 'parser') this.host.log('MASTER <-> REPLICA sync: Discarding the half-loaded data');
      throw new LinkError('bad payload');
    }
    // replicationAttachToNewMaster: sub-replicas resync, the old history is gone.
    this.master.disconnectAll();
    this.master.cancelFullSync();
    this.host.log('MASTER <-> REPLICA sync: Flushing old data');
    const live = this.host.keyspace;
    this.host.log('MASTER <-> REPLICA sync: Loading DB in memory');
    let keys = 0;
    for (const db of live.databases) {
      const fresh = decoded.keyspace.databases[db.index];
      db.clear();
      if (fresh === undefined) continue;
      keys += fresh.size;
      db.swapWith(fresh);
    }
    const version = decoded.aux.get('redis-ver');
    if (version !== undefined) this.host.log(`Loading RDB produced by version ${version}`);
    this.host.log(`Done loading RDB, keys loaded: ${keys}, keys expired: 0.`);
    this.host.datasetReplaced();
    this.offsets.replid = replid;
    this.offsets.masterReplOffset = offset;
    this.offsets.clearReplicationId2();
    this.master.resetBacklog();
    this.master.selectedDb = -1;
    const streamDb = Number(decoded.aux.get('repl-stream-db') ?? '0');
    this.streamDb = Number.isInteger(streamDb) && streamDb >= 0 ? streamDb : 0;
    this.host.log('MASTER <-> REPLICA sync: Finished with success');
  }

  /**
   * The database the master's stream is in: after a full sync the payload's repl-stream-db, then
   * whatever its SELECTs chose. A new master client (a partial resync) starts there, as Redis keeps
   * the cached master client's db: the master sends no SELECT for a database it already selected.
   */
  streamDb = 0;

  /** The link is up: the master's client runs the stream from here. */
  private startStream(socket: Socket, attempt: number, first: Buffer): void {
    if (attempt !== this.attempt) return;
    this.linkState = 'connected';
    this.lastIoMs = Date.now();
    this.readReplOffset = this.offsets.masterReplOffset;
    this.masterClient = this.host.openMasterClient(socket);
    if (this.streamDb !== 0) this.masterClient.run(['SELECT', String(this.streamDb)]);
    this.parser = new RequestParser({ maxBulkLen: () => Number.MAX_SAFE_INTEGER, authRequired: () => false });
    this.fed = 0;
    this.consumed = 0;
    this.raw = [];
    this.inTransaction = false;
    this.transactionBytes = [];
    this.psyncFrom = undefined;
    if (first.length > 0) this.onStream(first);
  }

  /** The stream: each whole command runs, then counts in the offset and goes to sub-replicas as it came. */
  private onStream(bytes: Buffer): void {
    const parser = this.parser;
    if (parser === undefined) return;
    this.readReplOffset += bytes.length;
    this.fed += bytes.length;
    this.raw.push(bytes);
    parser.feed(bytes);
    for (;;) {
      const argv = parser.next();
      if (argv === undefined) break;
      if (!Array.isArray(argv)) {
        this.host.log(`Protocol error from MASTER: ${argv.message}`);
        this.drop();
        return;
      }
      const consumed = this.fed - parser.buffered;
      const unit = this.takeRaw(consumed - this.consumed);
      this.consumed = consumed;
      if (argv.length === 0) continue;
      this.apply(argv, unit);
    }
  }

  private takeRaw(n: number): Buffer {
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.raw[0] as Buffer;
      if (c.length <= left) {
        out.push(c);
        this.raw.shift();
        left -= c.length;
      } else {
        out.push(c.subarray(0, left));
        this.raw[0] = c.subarray(left);
        left = 0;
      }
    }
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  private apply(argv: string[], unit: Buffer): void {
    const name = (argv[0] as string).toLowerCase();
    if (name === 'replconf' && (argv[1] ?? '').toLowerCase() === 'getack') {
      // The ACK carries the offset before the GETACK itself.
      this.sendAck();
    } else if (name !== 'ping' && this.masterClient !== undefined) {
      this.masterClient.run(argv);
      this.streamDb = this.masterClient.dbIndex;
    }
    if (name === 'multi') this.inTransaction = true;
    if (this.inTransaction) {
      this.transactionBytes.push(unit);
      if (name !== 'exec' && name !== 'discard') return;
      this.inTransaction = false;
      unit = Buffer.concat(this.transactionBytes);
      this.transactionBytes = [];
    }
    // Applied: the offset moves and sub-replicas get the same bytes (replicationFeedStreamFromMasterStream).
    this.master.feedBytes(unit);
  }

  /** replicationSendAck: REPLCONF ACK <applied offset>. */
  sendAck(): void {
    if (this.linkState !== 'connected') return;
    this.socket?.write(encodeCommand(['REPLCONF', 'ACK', String(this.offsets.masterReplOffset)]));
  }

  /**
   * Closes the current attempt and lets the cron retry. The attempt's pending read fails at once, so
   * a payload being received is discarded now (its temp file removed), not at its read timeout.
   */
  private drop(): void {
    this.reader?.fail(new LinkError('link dropped'));
    this.socket?.destroy();
    this.linkLost();
  }

  private linkLost(): void {
    const wasConnected = this.linkState === 'connected';
    if (this.linkState === 'sync') this.host.log('I/O error trying to sync with MASTER: connection lost');
    this.attempt++;
    this.socket?.destroy();
    this.socket = undefined;
    this.reader = undefined;
    this.parser = undefined;
    this.transfer = undefined;
    this.masterClient?.close();
    this.masterClient = undefined;
    if (wasConnected) {
      this.host.log('Connection with master lost.');
      this.host.log('Caching the disconnected master state.');
      this.linkDownSinceMs = Date.now();
    }
    if (wasConnected || this.psyncFrom === undefined) this.cacheMaster(wasConnected);
    if (!this.stopped) this.linkState = 'connect';
  }

  /** replicationCacheMaster: what the next PSYNC asks for. */
  private cacheMaster(haveHistory: boolean): void {
    if (haveHistory) this.psyncFrom = { replid: this.offsets.replid, offset: this.offsets.masterReplOffset };
  }

  /** replicationCacheMasterUsingMyself: a master turned replica offers its own history. */
  cacheMyself(): void {
    this.psyncFrom = { replid: this.offsets.replid, offset: this.offsets.masterReplOffset };
  }

  /** replicationCron's replica part: timeouts, reconnects, the ACK every second. */
  cron(): void {
    if (this.stopped) return;
    const now = Date.now();
    const timeout = this.timeoutMs();
    if (
      (this.linkState === 'connecting' || this.linkState === 'handshake') &&
      now - this.connectStartedMs > timeout
    ) {
      this.host.log('Timeout connecting to the MASTER...');
      this.drop();
    }
    if (this.linkState === 'sync' && this.transfer !== undefined && now - this.transfer.lastIoMs > timeout) {
      this.host.log(
        "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
      );
      this.drop();
    }
    if (this.linkState === 'connected' && now - this.lastIoMs > timeout) {
      this.host.log('MASTER timeout: no data nor PING received...');
      this.drop();
    }
    if (this.linkState === 'connect') this.connect();
    if (this.linkState === 'connected') this.sendAck();
  }

  /** REPLICAOF NO ONE / another master: the link ends for good. */
  stop(): void {
    this.stopped = true;
    this.reader?.fail(new LinkError('replication stopped'));
    this.attempt++;
    this.socket?.destroy();
    this.socket = undefined;
    this.masterClient?.close();
    this.masterClient = undefined;
    this.parser = undefined;
    this.transfer = undefined;
    this.linkState = 'none';
  }
}

function errnoText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    case 'EHOSTUNREACH':
      return 'No route to host';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    case 'ENETUNREACH':
      return 'Network is unreachable';
    default:
      return err.message;
  }
}
