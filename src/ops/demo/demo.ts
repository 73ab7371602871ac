/**
 * `redmesh demo`: the whole system on one machine. Three nodes in network namespaces on a private
 * underlay (192.0.2.0/24 inside namespaces only), configs from `redmesh init`, the mesh VPN up, a master
 * and two replicas replicating through the tunnel, an underlay capture checked for plaintext, the master
 * killed, the most advanced replica promoted, and every acknowledged write found on it. Each step prints
 * what it does and how long it took; everything is torn down at the end, on failure, and on Ctrl-C
 * (with `keep`, once Ctrl-C is pressed).
 *
 * The Redis side is `redmesh server` by default; `server: 'redis-server'` runs Debian's redis-server 7.0
 * from the same configs instead.
 *
 * Without root it runs rootless where the machine allows it: it re-executes itself inside a user
 * namespace of its own (`unshare --user --map-root-user --net --mount --pid`), where it is root over
 * namespaces it created and nothing else, and mounts a private /run for `ip netns`. What that needs
 * (unshare, unprivileged user namespaces, a /dev/net/tun the user may open) is checked first and each
 * missing piece named. Everything it starts lives in that PID namespace and dies with it.
 */
import { spawn } from 'node:child_process';
import { access, appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTopology } from '../init/index.js';
import {
  appendOnlySupported,
  deploymentFiles,
  newSecrets,
  thisRedmesh,
  writeDeployment,
} from '../init/index.js';
import type { Topology } from '../init/index.js';
import type { NetnsNode, Spawned } from '../netns/index.js';
import { Testbed, netnsPrefix, sh, waitFor, waitForOutput } from '../netns/index.js';

export type DemoServer = 'redmesh' | 'redis-server';

export interface DemoOptions {
  readonly server: DemoServer;
  /** Leave everything running, print how to connect, clean up on Ctrl-C. */
  readonly keep: boolean;
  readonly print: (line: string) => void;
}

export class DemoError extends Error {}

/**
 * Set (to the pid whose namespaces the demo runs in) in the environment of the demo re-executed
 * inside its own user namespace.
 */
const ROOTLESS_MARK = 'REDMESH_DEMO_ROOTLESS';
const TUN = '/dev/net/tun';

/** True in a user namespace that maps only part of the uids (the rootless re-execution), not on the host. */
async function inPartialUserNamespace(): Promise<boolean> {
  try {
    const map = (await readFile('/proc/self/uid_map', 'latin1')).trim().split(/\s+/);
    return !(map.length === 3 && map[0] === '0' && map[1] === '0' && map[2] === '4294967295');
  } catch {
    return false;
  }
}

/** What the demo needs from the machine; each missing piece is named with how to get it. */
export async function demoPrerequisites(server: DemoServer): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push(...(await rootlessMissing()));
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['tcpdump', 'tcpdump'],
    ['redis-cli', 'redis-tools'],
    ...(server === 'redis-server' ? [['redis-server', 'redis-server']] : []),
  ] as const) {
    if (!(await onPath(tool))) missing.push(`${tool} (apt-get install ${pkg})`);
  }
  try {
    await access(TUN, constants.R_OK | constants.W_OK);
  } catch {
    missing.push(await tunProblem());
  }
  return missing;
}

/** Why this user cannot open /dev/net/tun, and what would fix it. */
async function tunProblem(): Promise<string> {
  try {
    const st = await stat(TUN);
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    if (process.getuid?.() === 0) return `${TUN} cannot be opened read-write (mode ${mode})`;
    return `${TUN} is mode ${mode} (owner uid ${st.uid}), so uid ${process.getuid?.() ?? '?'} cannot open it: rootless TAP devices need it read-write for everyone (\`sudo chmod 0666 ${TUN}\`, the mode most distributions give it; opening it still needs CAP_NET_ADMIN in the namespace)`;
  } catch {
    return `${TUN} is missing (sudo modprobe tun)`;
  }
}

/**
 * Without root: what keeps the rootless mode (a user namespace of our own) from running here. The
 * tools and the TAP device are checked by demoPrerequisites for both modes.
 */
async function rootlessMissing(): Promise<string[]> {
  if (!(await onPath('unshare')))
    return ['root (sudo), or unshare for the rootless mode (apt-get install util-linux)'];
  try {
    await sh('unshare', ['--user', '--map-root-user', '--net', '--mount', 'true'], 5000);
    return [];
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? '';
    return [
      `root (sudo), or unprivileged user namespaces for the rootless mode: the kernel refused one (${why.trim()}); check sysctl user.max_user_namespaces (must be > 0), kernel.unprivileged_userns_clone (Debian: 1) and kernel.apparmor_restrict_unprivileged_userns (Ubuntu: 0)`,
    ];
  }
}

/**
 * Not root: re-runs the demo as root of a user namespace of its own (with its own network, mount
 * and PID namespaces: everything it starts dies with it), forwarding Ctrl-C; resolves to its exit
 * status.
 */
async function runRootless(o: DemoOptions): Promise<number> {
  const [node = process.execPath, main = ''] = thisRedmesh();
  const args = [
    '--user',
    '--map-root-user',
    '--net',
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--',
    node,
    main,
    'demo',
    '--server',
    o.server,
    ...(o.keep ? ['--keep'] : []),
  ];
  o.print(
    `==> not root: rootless mode, the demo re-runs as root of a user namespace of its own (unshare ${args.slice(0, 10).join(' ')})`,
  );
  const child = spawn('unshare', args, { stdio: 'inherit', env: { ...process.env, [ROOTLESS_MARK]: '1' } });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  const onInt = (): void => forward('SIGINT');
  const onTerm = (): void => forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    if (o.keep && child.pid !== undefined)
      o.print(
        `  its namespaces belong to pid ${child.pid}: run the connect commands it prints with \`nsenter --target ${child.pid} --user --mount --net --preserve-credentials\` in place of \`sudo\``,
      );
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    try {
      await access(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

interface Running {
  bed: Testbed | undefined;
  dir: string | undefined;
}

/**
 * Runs the demo; resolves when it is over (with `keep`, after Ctrl-C), to an exit status when it ran
 * rootless in a child process.
 */
export async function runDemo(o: DemoOptions): Promise<number | undefined> {
  const missing = await demoPrerequisites(o.server);
  if (missing.length > 0) throw new DemoError(`the demo needs: ${missing.join('; ')}`);
  if (process.getuid?.() !== 0) return runRootless(o);
  const rootless = process.env[ROOTLESS_MARK] !== undefined && (await inPartialUserNamespace());
  if (rootless) {
    // `ip netns` keeps its namespaces under /run/netns: a private /run, in our own mount namespace.
    await sh('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/run']);
    await sh('ip', ['link', 'set', 'lo', 'up']);
  }
  const running: Running = { bed: undefined, dir: undefined };
  const cleanup = async (): Promise<void> => {
    const { bed, dir } = running;
    running.bed = undefined;
    running.dir = undefined;
    if (bed !== undefined) await bed.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  };
  let kept = false;
  let release: () => void = () => undefined;
  const onSignal = (): void => {
    if (kept) {
      release();
      return;
    }
    o.print('interrupted: cleaning up');
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await scenario(o, running, rootless);
    if (o.keep) {
      // The nodes' processes are our children: keep them (and their output pipes) alive until asked to stop.
      o.print('press Ctrl-C to stop the demo and clean up');
      kept = true;
      await new Promise<void>((resolve) => (release = resolve));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await step(o, 'clean up: processes, namespaces, files', cleanup);
  }
  return undefined;
}

async function step<T>(o: DemoOptions, what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  o.print(`==> ${what}`);
  const result = await fn();
  o.print(`  done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

async function scenario(o: DemoOptions, running: Running, rootless: boolean): Promise<void> {
  const started = Date.now();
  const prefix = netnsPrefix('rmdemo');
  const bed = await step(
    o,
    `three nodes in network namespaces ${prefix}-a, -b, -c on the underlay 192.0.2.0/24`,
    () => Testbed.create(3, prefix),
  );
  running.bed = bed;
  const dir = await mkdtemp(join(tmpdir(), 'redmesh-demo-'));
  running.dir = dir;
  const nodes = bed.nodes;
  const names = ['a', 'b', 'c'];
  let topology: Topology | undefined;
  let password = '';
  await step(
    o,
    `redmesh init --node a=192.0.2.1 --node b=192.0.2.2 --node c=192.0.2.3 --master a --out ${dir}`,
    async () => {
      topology = buildTopology({ nodes: nodes.map((n, i) => `${names[i]}=${n.underlay}`), master: 'a' });
      const secrets = newSecrets();
      password = secrets.redisPassword;
      await writeDeployment(
        dir,
        deploymentFiles(topology, secrets, {
          redmesh: thisRedmesh(),
          appendOnlySupported: appendOnlySupported(),
        }),
        false,
      );
    },
  );
  const t = topology as Topology;
  const [redmeshNode = '', redmeshMain = ''] = thisRedmesh();
  const cli = async (node: NetnsNode, ...args: string[]): Promise<string> =>
    (await bed.exec(node.ns, 'redis-cli', ['-a', password, '--no-auth-warning', ...args])).trim();
  const [a, b, c] = nodes as [NetnsNode, NetnsNode, NetnsNode];

  if (rootless)
    await step(
      o,
      'rootless: the VPN keeps its uid (enableprivdrop no): the user namespace maps no nobody to drop to, and that uid is already unprivileged outside it',
      async () => {
        for (const name of names)
          await appendFile(
            join(dir, name, 'peervpn.conf'),
            '\n# redmesh demo, rootless\nenableprivdrop no\n',
          );
      },
    );
  await step(o, "the mesh: redmesh vpn with each node's peervpn.conf", async () => {
    const vpns = nodes.map((n, i) =>
      bed.spawn(n.ns, redmeshNode, [
        redmeshMain,
        'vpn',
        join(dir, names[i] ?? '', 'peervpn.conf'),
        '--control-socket',
        join(dir, `${names[i]}.sock`),
      ]),
    );
    for (const v of vpns) await waitForOutput(v, /info started /, 30_000);
    for (const [from, to] of [
      [b, '10.8.0.1'],
      [c, '10.8.0.1'],
      [b, '10.8.0.3'],
    ] as const)
      await waitFor(
        `ping ${to} from ${from.ns}`,
        () =>
          sh('ip', ['netns', 'exec', from.ns, 'ping', '-c', '1', '-W', '0.5', to]).then(
            () => true,
            () => false,
          ),
        15_000,
      );
  });

  const servers: Spawned[] = [];
  await step(
    o,
    `${o.server === 'redmesh' ? 'redmesh server' : 'redis-server'} on each node with its redis.conf (a master, b and c replicas of 10.8.0.1)`,
    async () => {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as NetnsNode;
        const name = names[i] ?? '';
        const data = join(dir, `${name}-data`);
        await mkdir(data, { recursive: true });
        const conf = join(dir, `${name}-redis.conf`);
        await writeFile(
          conf,
          (await readFile(join(dir, name, 'redis.conf'), 'utf8')).replace(/^dir .*$/m, `dir ${data}`),
          { mode: 0o600 },
        );
        const s =
          o.server === 'redmesh'
            ? bed.spawn(node.ns, redmeshNode, [redmeshMain, 'server', conf, '--supervised', 'no'])
            : bed.spawn(node.ns, 'redis-server', [conf, '--supervised', 'no']);
        servers.push(s);
        await waitFor(
          `server on ${name}`,
          async () => (await cli(node, 'PING').catch(() => '')) === 'PONG',
          20_000,
        );
      }
    },
  );

  await step(o, 'replication links up: INFO replication on b and c says master_link_status:up', async () => {
    for (const r of [b, c]) {
      try {
        await waitFor(
          'link up',
          async () => /master_link_status:up/.test(await cli(r, 'INFO', 'replication')),
          15_000,
          100,
        );
      } catch {
        const role = /role:(\w+)/.exec(await cli(r, 'INFO', 'replication'))?.[1] ?? '?';
        throw new DemoError(
          role === 'master'
            ? `${r.ns} reports role:master although its redis.conf says replicaof 10.8.0.1: this redmesh server does not replicate yet (replication is being built on branch repl). Run \`redmesh demo --server redis-server\` to see the rest of the demo with Debian's redis-server.`
            : `${r.ns}: the replication link did not come up within 15 s:\n${await cli(r, 'INFO', 'replication')}`,
        );
      }
    }
  });

  const marker = `demo-secret-${Date.now()}`;
  const capture = join(dir, 'underlay.pcap');
  const dump = await step(
    o,
    `${rootless ? 'redmesh capture' : 'tcpdump'} on a's underlay interface ${a.veth} -> ${capture}`,
    async () => {
      // tcpdump, run as uid 0 of the rootless demo's user namespace, fails dropping to its own user
      // (that namespace maps no other uid): there the demo captures with redmesh's own AF_PACKET reader.
      const d = rootless
        ? bed.spawn(a.ns, redmeshNode, [redmeshMain, 'capture', a.veth, capture])
        : bed.spawn(a.ns, 'tcpdump', [
            '-i',
            a.veth,
            '-n',
            '--immediate-mode',
            '-U',
            '-s',
            '0',
            '-Z',
            'root',
            '-w',
            capture,
          ]);
      await waitForOutput(d, /listening on/, 5000);
      return d;
    },
  );

  const writes = 100;
  await step(
    o,
    `write ${writes} keys on the master a (10.8.0.1), each value containing "${marker}", then WAIT for both replicas`,
    async () => {
      for (let i = 0; i < writes; i++) {
        const ok = await cli(a, 'SET', `key:${i}`, `${marker}:${i}`);
        if (ok !== 'OK') throw new DemoError(`SET key:${i} answered ${ok}`);
      }
      const acked = await cli(a, 'WAIT', '2', '5000');
      if (acked !== '2') throw new DemoError(`WAIT 2: only ${acked} replica(s) acknowledged`);
    },
  );

  await step(o, 'read them on the replicas b and c (they came through the tunnel)', async () => {
    for (const r of [b, c]) {
      const got = await cli(r, 'GET', `key:${writes - 1}`);
      if (got !== `${marker}:${writes - 1}`) throw new DemoError(`${r.ns}: GET key:${writes - 1} = ${got}`);
      o.print(`  ${r.ns}: GET key:${writes - 1} -> ${got}`);
    }
  });

  await step(o, 'the underlay capture holds no plaintext: the marker is not in it', async () => {
    await bed.kill(dump, 'SIGTERM');
    const pcap = await readFile(capture);
    if (pcap.length < 24 + 16 * writes)
      throw new DemoError(`the capture holds only ${pcap.length} bytes: it saw no replication traffic`);
    if (pcap.includes(Buffer.from(marker))) throw new DemoError(`"${marker}" crossed the underlay in clear`);
    o.print(`  ${pcap.length} bytes captured, "${marker}" not among them`);
  });

  await step(o, 'kill the master a (SIGKILL)', async () => {
    const masterServer = servers[0];
    if (masterServer !== undefined) await bed.kill(masterServer);
  });

  await step(o, 'redmesh promote --most-advanced (run on b, over the VPN)', async () => {
    const out = await bed.exec(
      b.ns,
      redmeshNode,
      [
        redmeshMain,
        'promote',
        '--most-advanced',
        '--password',
        password,
        '--node',
        `10.8.0.2:${t.redisPort}`,
        '--node',
        `10.8.0.3:${t.redisPort}`,
      ],
      60_000,
    );
    for (const line of out.trimEnd().split('\n')) o.print(`  ${line}`);
  });

  let newMaster = b;
  await step(o, `every acknowledged write is on the new master`, async () => {
    const info = await cli(b, 'INFO', 'replication');
    newMaster = /role:master/.test(info) ? b : c;
    const count = await cli(newMaster, 'DBSIZE');
    if (Number(count) < writes)
      throw new DemoError(`the new master ${newMaster.ns} has ${count} keys of ${writes}`);
    o.print(`  ${newMaster.ns}: DBSIZE ${count}`);
  });

  o.print(`all steps in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (o.keep) {
    o.print('left running (--keep). Connect from another terminal with:');
    const overlay = newMaster === b ? '10.8.0.2' : '10.8.0.3';
    o.print(`  sudo ip netns exec ${newMaster.ns} redis-cli -h ${overlay} -a ${password}`);
    o.print(
      `  sudo ip netns exec ${newMaster.ns} ${redmeshNode} ${redmeshMain} status --control-socket ${join(dir, newMaster === b ? 'b.sock' : 'c.sock')} --password ${password} --node ${overlay}:6379`,
    );
  }
}
