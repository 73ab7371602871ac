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
import { connect, type Socket } from 'node:net';
import { PING_REPLY_AUTH_PREFIXES, RequestParser } from '../resp/index.js';
import { RDB_EOF_MARK_SIZE, type ReplicaLinkState } from './constants.js';
import { isReplid } from './ids.js';
import { LinkReader } from './link-reader.js';
import type { MasterSide } from './master.js';
import type { ReplicationOffsets } from './offsets.js';
import { encodeCommand } from './stream.js';
import { PayloadFraming, TransferFile } from './payload.js';
import type {
  DecodedPayload,
  LoadingProgress,
  MasterClient,
  PayloadLoader,
  ReplicationHost,
} from './types.js';

/** A link attempt that failed: logged as Redis does, then retried by the cron. */
class LinkError extends Error {}

/** Decoding a payload while it arrives: bytes per decoder step, and the time one loop turn may take. */
const LOAD_STEP_BYTES = 64 * 1024;
const LOAD_TURN_MS = 10;
/** Undecoded payload bytes at which reading from the master pauses until the decoder catches up. */
const LOAD_BACKLOG_BYTES = 32 * 1024 * 1024;

/** One payload being received and decoded. */
interface PayloadLoad {
  readonly loader: PayloadLoader;
  readonly framing: PayloadFraming;
  /** Decoded from the socket (a diskless load), or written to a temp file as well. */
  readonly diskless: boolean;
  /** Set while clients get -LOADING (Redis startLoading .. stopLoading). */
  progress: LoadingProgress | undefined;
  newlineSentMs: number;
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
  /**
   * Stream parsing: commands, and the bytes they came in (proxied as they are). Counts are stream
   * bytes since the stream started: `read` arrived, `applied` ran (Redis's master client reploff),
   * `proxied` went to the backlog and sub-replicas. `unproxied` holds the bytes from `proxied` on.
   */
  private parser: RequestParser | undefined;
  private read = 0;
  private applied = 0;
  private proxied = 0;
  private unproxied: Buffer[] = [];
  /** Inside MULTI: the offset advances at EXEC, so a link lost mid-transaction resumes before it. */
  private inTransaction = false;
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
   * readSyncBulkPayload: both framings, decoded as the bytes arrive (in slices, the event loop served
   * between them) into a dataset of its own that replaces the live one only once whole and valid.
   * Redis 7.0's phases are kept: with repl-diskless-load disabled the payload goes to a temp file
   * while clients are served as replica-serve-stale-data says, and the load proper (-LOADING) is what
   * is left to decode once the transfer ended; a diskless load is a load from its first byte (LOADING,
   * or, for swapdb in the same history, async loading: the old data keeps being served). A link lost
   * mid-payload leaves the dataset as it was and the temp file removed.
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
    const rdb = this.host.rdb;
    if (rdb === undefined) {
      this.host.log(
        'Failed trying to load the MASTER synchronization DB from disk: this server has no RDB loader',
      );
      throw new LinkError('no rdb');
    }
    // useDisklessLoad: swapdb always loads from the socket, on-empty-db only into an empty dataset.
    const mode = this.host.settings().replDisklessLoad;
    const diskless =
      mode === 'swapdb' ||
      (mode === 'on-empty-db' && this.host.keyspace.databases.every((db) => db.size === 0));
    let file: TransferFile | undefined;
    if (!diskless) {
      try {
        file = new TransferFile(rdb);
      } catch (err) {
        this.host.log(
          `Opening the temp file needed for MASTER <-> REPLICA synchronization: ${(err as Error).message}`,
        );
        throw new LinkError('temp file');
      }
    }
    const target = diskless ? 'to parser' : 'to disk';
    transfer.total = eof ? 0 : size;
    this.host.log(
      eof
        ? `MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF ${target}`
        : `MASTER <-> REPLICA sync: receiving ${size} bytes from master ${target}`,
    );
    const load: PayloadLoad = {
      loader: rdb.payloadLoader(),
      framing: new PayloadFraming(eof ? Buffer.from(header.slice(5), 'latin1') : size),
      diskless,
      progress: undefined,
      newlineSentMs: 0,
    };
    try {
      if (diskless) {
        if (mode !== 'swapdb') this.host.log('MASTER <-> REPLICA sync: Flushing old data');
        this.host.log('MASTER <-> REPLICA sync: Loading DB in memory');
        // Async loading (7.0): swapdb in the history this replica already has keeps serving it.
        const async = mode === 'swapdb' && this.offsets.replid === replid;
        load.progress = rdb.startLoading(transfer.total, async);
      }
      const rest = await this.transferPayload(socket, reader, attempt, transfer, load, file);
      // What follows the payload is the stream (a `$<len>` master sends it at once): it waits in the
      // socket until the master's client takes it, after the load.
      socket.pause();
      load.loader.end();
      if (!diskless) {
        this.host.log('MASTER <-> REPLICA sync: Flushing old data');
        this.host.log('MASTER <-> REPLICA sync: Loading DB in memory');
        load.progress = rdb.startLoading(load.framing.payloadBytes);
      }
      const decoded = await this.finishLoad(socket, attempt, load);
      if (load.progress !== undefined) rdb.stopLoading();
      load.progress = undefined;
      if (attempt !== this.attempt) throw new LinkError('link dropped');
      file?.keep((line) => this.host.log(line));
      file = undefined;
      this.install(decoded, replid, offset, mode === 'swapdb' && diskless);
      this.transfer = undefined;
      this.startStream(socket, attempt, Buffer.concat([rest, reader.takeAll()]));
      socket.resume();
      if (eof) this.sendAck();
    } finally {
      if (load.progress !== undefined) rdb.stopLoading();
      file?.discard();
    }
  }

  /**
   * The transfer: payload bytes go to the temp file (if any) and the decoder, which decodes while
   * the rest arrives; reading pauses while the decoder is LOAD_BACKLOG_BYTES behind. Returns the
   * bytes that came after the payload (the stream).
   */
  private async transferPayload(
    socket: Socket,
    reader: LinkReader,
    attempt: number,
    transfer: Transfer,
    load: PayloadLoad,
    file: TransferFile | undefined,
  ): Promise<Buffer> {
    let paused = false;
    for (;;) {
      const bytes = reader.takeAll();
      if (bytes.length > 0) {
        transfer.read += bytes.length;
        transfer.lastIoMs = Date.now();
        const { payload, rest } = load.framing.take(bytes);
        if (rest !== undefined && transfer.total === 0) transfer.read = load.framing.payloadBytes;
        if (payload.length > 0) {
          file?.write(payload);
          load.loader.feed(payload);
        }
        if (rest !== undefined) return rest;
      }
      const step = this.decodeTurn(load);
      const behind = load.framing.payloadBytes - load.loader.position;
      if (!paused && behind >= LOAD_BACKLOG_BYTES) {
        paused = true;
        socket.pause();
      } else if (paused && behind < LOAD_BACKLOG_BYTES / 2) {
        paused = false;
        socket.resume();
      }
      if (step === 'more') await this.awaitBytes(reader);
      else await this.nextTurn(reader, attempt, load, socket);
    }
  }

  /** What is left to decode once the payload is whole (Redis's load proper), in slices. */
  private async finishLoad(socket: Socket, attempt: number, load: PayloadLoad): Promise<DecodedPayload> {
    for (;;) {
      const step = this.decodeTurn(load);
      if (step !== undefined && step !== 'more') {
        const version = step.aux.get('redis-ver');
        if (version !== undefined) this.host.log(`Loading RDB produced by version ${version}`);
        let keys = 0;
        for (const db of step.keyspace.databases) keys += db.size;
        this.host.log(`Done loading RDB, keys loaded: ${keys}, keys expired: 0.`);
        return step;
      }
      if (step === 'more') throw new Error('payload decoder wants bytes after the end');
      await this.nextTurn(undefined, attempt, load, socket).catch((err: unknown) => {
        if (load.diskless) this.host.log('MASTER <-> REPLICA sync: Discarding the half-loaded data');
        throw err;
      });
    }
  }

  /**
   * Decodes for up to LOAD_TURN_MS: the payload once whole, 'more' when the decoder waits for bytes,
   * undefined when the time is up. A payload that does not decode fails the link (the dataset is
   * untouched), logged as Redis does.
   */
  private decodeTurn(load: PayloadLoad): DecodedPayload | 'more' | undefined {
    const deadline = performance.now() + LOAD_TURN_MS;
    try {
      for (;;) {
        const step = load.loader.step(LOAD_STEP_BYTES);
        if (load.progress !== undefined) {
          load.progress.loadedBytes = load.loader.position;
          load.progress.rdbUsedMem = load.loader.usedMem;
        }
        if (step !== undefined || performance.now() >= deadline) return step;
      }
    } catch (err) {
      this.host.log(
        `Short read or OOM loading DB. Unrecoverable error, aborting now: ${(err as Error).message}`,
      );
      this.host.log(
        load.diskless
          ? 'Failed trying to load the MASTER synchronization DB from socket, check server logs.'
          : 'Failed trying to load the MASTER synchronization DB from disk, check server logs.',
      );
      throw new LinkError('bad payload');
    }
  }

  /**
   * One turn of the event loop between slices; while the load proper runs, a newline to the master
   * at most once a second (replicationSendNewlineToMaster) keeps it from timing this replica out.
   */
  private async nextTurn(
    reader: LinkReader | undefined,
    attempt: number,
    load: PayloadLoad,
    socket: Socket,
  ): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (attempt !== this.attempt) throw new LinkError('link dropped');
    reader?.throwIfFailed();
    const now = Date.now();
    if (this.transfer !== undefined) this.transfer.lastIoMs = Math.max(this.transfer.lastIoMs, now - 1);
    if (load.progress !== undefined && now - load.newlineSentMs >= 1000) {
      load.newlineSentMs = now;
      socket.write('\n');
    }
  }

  /** Waits for the next read of the payload (the cron enforces repl-timeout on transfer.lastIoMs). */
  private awaitBytes(reader: LinkReader): Promise<void> {
    return reader.arrival(this.timeoutMs() + 1000, 'receiving bulk data from MASTER');
  }

  /**
   * The payload is whole and decoded: it replaces the dataset (emptyData + the loaded databases, or
   * swapMainDbWithTempDb for swapdb), and the master's history becomes this replica's.
   */
  private install(decoded: DecodedPayload, replid: string, offset: number, swapdb: boolean): void {
    // replicationAttachToNewMaster: sub-replicas resync, the old history is gone.
    this.master.disconnectAll();
    this.master.cancelFullSync();
    if (swapdb) this.host.log('MASTER <-> REPLICA sync: Swapping active DB with loaded DB');
    for (const db of this.host.keyspace.databases) {
      const fresh = decoded.keyspace.databases[db.index];
      db.clear();
      if (fresh !== undefined) db.swapWith(fresh);
    }
    if (swapdb) this.host.log('MASTER <-> REPLICA sync: Discarding old DB in background');
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
    this.read = 0;
    this.applied = 0;
    this.proxied = 0;
    this.unproxied = [];
    this.inTransaction = false;
    this.psyncFrom = undefined;
    if (first.length > 0) this.onStream(first);
  }

  /**
   * The stream, one read at a time (Redis processInputBuffer on the master client): each whole
   * command runs and moves the applied offset; what was applied then goes to the backlog and to
   * sub-replicas as it came, in one piece per read (replicationFeedStreamFromMasterStream).
   */
  private onStream(bytes: Buffer): void {
    const parser = this.parser;
    const client = this.masterClient;
    if (parser === undefined || client === undefined) return;
    this.readReplOffset += bytes.length;
    this.read += bytes.length;
    this.unproxied.push(bytes);
    parser.feed(bytes);
    client.batch(() => {
      for (;;) {
        const argv = parser.next();
        if (argv === undefined) break;
        if (!Array.isArray(argv)) {
          this.host.log(`Protocol error from MASTER: ${argv.message}`);
          this.drop();
          return;
        }
        if (argv.length > 0) this.apply(client, argv);
        // Redis commandProcessed: the offset is where parsing stopped, except inside MULTI.
        if (!this.inTransaction) this.applied = this.read - parser.buffered;
        if (this.parser !== parser) return;
      }
    });
    this.proxyApplied();
  }

  private apply(client: MasterClient, argv: string[]): void {
    const name = argv[0] as string;
    if (isWord(name, 'replconf') && isWord(argv[1] ?? '', 'getack')) {
      // The ACK carries the offset before the GETACK itself.
      this.proxyApplied();
      this.sendAck();
    } else if (!isWord(name, 'ping')) {
      client.run(argv);
      this.streamDb = client.dbIndex;
    }
    if (isWord(name, 'multi')) this.inTransaction = true;
    else if (isWord(name, 'exec') || isWord(name, 'discard')) this.inTransaction = false;
  }

  /**
   * The applied bytes not proxied yet go to the backlog and sub-replicas (and count in
   * master_repl_offset): the chunks as they were read, a chunk split only where applying stopped.
   */
  private proxyApplied(): void {
    let left = this.applied - this.proxied;
    if (left <= 0) return;
    this.proxied = this.applied;
    while (left > 0) {
      const chunk = this.unproxied[0] as Buffer;
      if (chunk.length <= left) {
        this.unproxied.shift();
        left -= chunk.length;
        this.master.feedBytes(chunk);
      } else {
        this.unproxied[0] = chunk.subarray(left);
        this.master.feedBytes(chunk.subarray(0, left));
        left = 0;
      }
    }
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
    this.proxyApplied();
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

/** Whether `arg` is `lower` in any case, without a lowercased copy for the common mismatch. */
function isWord(arg: string, lower: string): boolean {
  return arg.length === lower.length && (arg === lower || arg.toLowerCase() === lower);
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
