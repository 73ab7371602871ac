/**
 * Bring-up of each tunnel the VPN benchmark compares, between host 0 (10.8.0.1) and host 1 (10.8.0.2)
 * of a Testbed: plain veth, wireguard-go, tinc in switch mode, nebula, and redmesh itself.
 * Each returns the daemon PIDs (for CPU accounting) and the addresses to talk to.
 */
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sh, waitFor, type NetnsNode, type Testbed } from '../../src/ops/index.js';

export interface TunnelUp {
  /** Address of host 0 as host 1 reaches it through the tunnel. */
  readonly serverAddress: string;
  /** Daemon processes whose CPU time is charged to the tunnel. */
  readonly daemonPids: readonly number[];
  readonly cleanup: () => Promise<void>;
}

export interface Tunnel {
  readonly name: string;
  up(bed: Testbed): Promise<TunnelUp>;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('process did not start');
  return child.pid;
}

/** Whether a command run in a namespace succeeds (for waitFor: a failure means "not yet"). */
function succeeds(run: Promise<unknown>): Promise<boolean> {
  return run.then(
    () => true,
    () => false,
  );
}

function pingable(bed: Testbed, from: NetnsNode, address: string): Promise<boolean> {
  return succeeds(bed.exec(from.ns, 'ping', ['-c', '1', '-W', '1', address], 3000));
}

export const plainVeth: Tunnel = {
  name: 'plain veth',
  async up(bed) {
    await waitFor('underlay ping', () => pingable(bed, bed.node(1), bed.node(0).underlay), 10_000);
    return { serverAddress: bed.node(0).underlay, daemonPids: [], cleanup: async () => {} };
  },
};

export const wireguardGo: Tunnel = {
  name: 'wireguard-go',
  async up(bed) {
    const dir = await mkdtemp(join(tmpdir(), 'rmb-wg-'));
    const keys: { priv: string; pub: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const priv = (await sh('wg', ['genkey'])).trim();
      const privFile = join(dir, `k${i}`);
      await writeFile(privFile, priv + '\n', { mode: 0o600 });
      const { execFileSync } = await import('node:child_process');
      const pub = execFileSync('wg', ['pubkey'], { input: priv + '\n' })
        .toString()
        .trim();
      keys.push({ priv: privFile, pub });
    }
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const host = bed.node(i);
      const peer = bed.node(1 - i);
      // The UAPI socket lives in /var/run/wireguard, shared by all namespaces: one name per host.
      const dev = `rmbwg${i}`;
      const { child } = bed.spawn(host.ns, 'wireguard-go', ['-f', dev], {
        env: { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1', LOG_LEVEL: 'error' },
      });
      pids.push(pidOf(child));
      await waitFor(
        'wireguard-go device',
        () => succeeds(bed.exec(host.ns, 'ip', ['link', 'show', dev])),
        5000,
      );
      await bed.exec(host.ns, 'wg', [
        'set',
        dev,
        'private-key',
        keys[i]!.priv,
        'listen-port',
        '51820',
        'peer',
        keys[1 - i]!.pub,
        'endpoint',
        `${peer.underlay}:51820`,
        'allowed-ips',
        `10.8.0.${2 - i}/32`,
      ]);
      await bed.exec(host.ns, 'ip', ['addr', 'add', `10.8.0.${i + 1}/24`, 'dev', dev]);
      await bed.exec(host.ns, 'ip', ['link', 'set', dev, 'up']);
    }
    await waitFor('wireguard ping', () => pingable(bed, bed.node(1), '10.8.0.1'), 10_000);
    return {
      serverAddress: '10.8.0.1',
      daemonPids: pids,
      cleanup: async () => {
        await rm(dir, { recursive: true, force: true });
        // wireguard-go leaves its UAPI sockets behind when killed.
        for (let i = 0; i < 2; i++) await rm(`/var/run/wireguard/rmbwg${i}.sock`, { force: true });
      },
    };
  },
};

export const tincSwitch: Tunnel = {
  name: 'tinc (switch)',
  async up(bed) {
    const dir = await mkdtemp(join(tmpdir(), 'rmb-tinc-'));
    const names = ['a', 'b'];
    for (let i = 0; i < 2; i++) {
      const conf = join(dir, names[i]!);
      await mkdir(join(conf, 'hosts'), { recursive: true });
      await writeFile(
        join(conf, 'tinc.conf'),
        `Name = ${names[i]}\nMode = switch\nDeviceType = tap\nInterface = rmbtinc\nAddressFamily = ipv4\n` +
          (i === 1 ? 'ConnectTo = a\n' : ''),
      );
      await writeFile(join(conf, 'hosts', names[i]!), `Address = ${bed.node(i).underlay}\nPort = 655\n`);
      await sh('tincd', ['-c', conf, '-K2048'], 60_000);
    }
    // Exchange host files (they now hold each public key).
    for (let i = 0; i < 2; i++) {
      const own = await readFile(join(dir, names[i]!, 'hosts', names[i]!), 'utf8');
      await writeFile(join(dir, names[1 - i]!, 'hosts', names[i]!), own);
    }
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const host = bed.node(i);
      const { child } = bed.spawn(host.ns, 'tincd', [
        '-c',
        join(dir, names[i]!),
        '-D',
        '--pidfile',
        join(dir, `pid${i}`),
      ]);
      pids.push(pidOf(child));
      await waitFor(
        'tinc device',
        () => succeeds(bed.exec(host.ns, 'ip', ['link', 'show', 'rmbtinc'])),
        10_000,
      );
      await bed.exec(host.ns, 'ip', ['addr', 'add', `10.8.0.${i + 1}/24`, 'dev', 'rmbtinc']);
      await bed.exec(host.ns, 'ip', ['link', 'set', 'rmbtinc', 'up']);
    }
    await waitFor('tinc ping', () => pingable(bed, bed.node(1), '10.8.0.1'), 20_000);
    return {
      serverAddress: '10.8.0.1',
      daemonPids: pids,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

export const nebula: Tunnel = {
  name: 'nebula',
  async up(bed) {
    const dir = await mkdtemp(join(tmpdir(), 'rmb-nebula-'));
    await sh('nebula-cert', [
      'ca',
      '-name',
      'rmbench',
      '-out-crt',
      join(dir, 'ca.crt'),
      '-out-key',
      join(dir, 'ca.key'),
    ]);
    const pids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const n = `n${i}`;
      await sh('nebula-cert', [
        'sign',
        '-name',
        n,
        '-ip',
        `10.8.0.${i + 1}/24`,
        '-ca-crt',
        join(dir, 'ca.crt'),
        '-ca-key',
        join(dir, 'ca.key'),
        '-out-crt',
        join(dir, `${n}.crt`),
        '-out-key',
        join(dir, `${n}.key`),
      ]);
      const lighthouse =
        i === 0
          ? 'lighthouse:\n  am_lighthouse: true\n'
          : `lighthouse:\n  am_lighthouse: false\n  hosts: ["10.8.0.1"]\n`;
      const yaml =
        `pki:\n  ca: ${join(dir, 'ca.crt')}\n  cert: ${join(dir, `${n}.crt`)}\n  key: ${join(dir, `${n}.key`)}\n` +
        `static_host_map:\n  "10.8.0.1": ["192.0.2.1:4242"]\n  "10.8.0.2": ["192.0.2.2:4242"]\n` +
        lighthouse +
        `listen:\n  host: 0.0.0.0\n  port: 4242\n` +
        `punchy:\n  punch: false\n` +
        `tun:\n  dev: rmbneb\n  mtu: 1300\n` +
        `logging:\n  level: error\n` +
        `firewall:\n  outbound:\n    - port: any\n      proto: any\n      host: any\n` +
        `  inbound:\n    - port: any\n      proto: any\n      host: any\n`;
      await writeFile(join(dir, `${n}.yml`), yaml);
      const { child } = bed.spawn(bed.node(i).ns, 'nebula', ['-config', join(dir, `${n}.yml`)]);
      pids.push(pidOf(child));
    }
    await waitFor('nebula ping', () => pingable(bed, bed.node(1), '10.8.0.1'), 20_000);
    return {
      serverAddress: '10.8.0.1',
      daemonPids: pids,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/** redmesh itself, with the tutorial's two PeerVPN configs. */
export function redmesh(cliPath: string): Tunnel {
  return {
    name: 'redmesh',
    async up(bed) {
      const dir = await mkdtemp(join(tmpdir(), 'rmb-redmesh-'));
      const psk = (await sh(process.execPath, [cliPath, 'keygen'])).trim();
      const pids: number[] = [];
      for (let i = 0; i < 2; i++) {
        const conf =
          `port 7000\nnetworkname redmeshbench\npsk ${psk}\nenabletunneling yes\ninterface rmbpv0\n` +
          `ifconfig4 10.8.0.${i + 1}/24\n` +
          (i === 1 ? `initpeers ${bed.node(0).underlay} 7000\n` : '') +
          'enableprivdrop no\n';
        const file = join(dir, `peervpn${i}.conf`);
        await writeFile(file, conf, { mode: 0o600 });
        const { child } = bed.spawn(bed.node(i).ns, process.execPath, [
          cliPath,
          'vpn',
          file,
          '--control-socket',
          join(dir, `ctl${i}.sock`),
        ]);
        pids.push(pidOf(child));
      }
      await waitFor('redmesh ping', () => pingable(bed, bed.node(1), '10.8.0.1'), 20_000);
      return {
        serverAddress: '10.8.0.1',
        daemonPids: pids,
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  };
}
