import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import {
  PeerVpnConfigError,
  loadPeerVpnConfig,
  normaliseNetworkName,
  parsePeerVpnBool,
  parsePeerVpnConfig,
  readConfigFromStream,
} from '../../../src/vpn/config/index.js';
import { generateNodeKey, publicKeyOf } from '../../../src/vpn/protocol/node-keys.js';

/** A PSK as the tutorial makes it: `openssl rand -base64 382 | tr -d '\n'`. */
const PSK = randomBytes(382).toString('base64');

function parse(text: string) {
  return parsePeerVpnConfig(text, 'peervpn.conf');
}

function parseError(text: string): PeerVpnConfigError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof PeerVpnConfigError, `expected PeerVpnConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('config was accepted');
}

describe('peervpn.conf reader', () => {
  test('loads the tutorial master config unchanged', () => {
    const c = parse(
      [
        'port 7000',
        'networkname redisrepl',
        `psk ${PSK}`,
        'enabletunneling yes',
        'interface peervpn0',
        'ifconfig4 10.8.0.1/24',
        '',
      ].join('\n'),
    );
    assert.equal(c.port, 7000);
    assert.equal(c.networkName, 'REDISREPL');
    assert.equal(c.networkNameRaw, 'redisrepl');
    assert.equal(c.psk, PSK);
    assert.equal(c.psk.length, 512);
    assert.equal(c.tunneling, true);
    assert.equal(c.interfaceName, 'peervpn0');
    assert.deepEqual(c.ifconfig4, { address: '10.8.0.1', prefixLength: 24 });
    assert.deepEqual(c.initPeers, []);
    assert.equal(c.privDrop, true);
    assert.equal(c.relay, false);
    assert.equal(c.ipv4, true);
    assert.equal(c.ipv6, true);
    assert.deepEqual(c.warnings, []);
  });

  test('loads the tutorial replica config with initpeers', () => {
    const c = parse(
      `port 7000\nnetworkname redisrepl\npsk ${PSK}\nenabletunneling yes\ninterface peervpn0\nifconfig4 10.8.0.2/24\ninitpeers 203.0.113.7 7000\n`,
    );
    assert.deepEqual(c.initPeers, [{ host: '203.0.113.7', port: 7000 }]);
    assert.deepEqual(c.ifconfig4, { address: '10.8.0.2', prefixLength: 24 });
  });

  test('defaults match PeerVPN: networkname PEERVPN, random port, no interface name', () => {
    const c = parse(`psk ${PSK}`);
    assert.equal(c.networkName, 'PEERVPN');
    assert.equal(c.port, 0);
    assert.equal(c.interfaceName, '');
    assert.equal(c.sockmark, 0);
    assert.equal(c.ndpCache, false);
    assert.equal(c.ifconfig4, undefined);
  });

  test('# and ; start comments anywhere, whitespace is trimmed, inner whitespace kept', () => {
    const c = parse(
      `   psk ${PSK}\n# whole line\n; whole line\n\tport 7000   # trailing comment\nupcmd echo  a   b ;comment\n`,
    );
    assert.equal(c.port, 7000);
    assert.equal(c.upcmd, 'echo  a   b');
    assert.match(
      c.warnings[0] ?? '',
      /^peervpn\.conf:5: upcmd is cut at the first '#' or ';'.*'echo {2}a {3}b'/,
    );
  });

  test('the last occurrence of an option wins; initpeers lines do not accumulate', () => {
    const c = parse(`psk ${PSK}\nport 1\nport 2\ninitpeers a.example 1 b.example 2\ninitpeers c.example 3\n`);
    assert.equal(c.port, 2);
    assert.deepEqual(c.initPeers, [{ host: 'c.example', port: 3 }]);
  });

  test('several initpeers on one line, names kept for re-resolution', () => {
    const c = parse(`psk ${PSK}\ninitpeers 192.0.2.1 7000 node-b.example 7001  2001:db8::1 7002\n`);
    assert.deepEqual(c.initPeers, [
      { host: '192.0.2.1', port: 7000 },
      { host: 'node-b.example', port: 7001 },
      { host: '2001:db8::1', port: 7002 },
    ]);
  });

  test('booleans are prefix-matched', () => {
    for (const on of ['yes', 'yesplease', 'true', 'trueish', '1', '10'])
      assert.equal(parsePeerVpnBool(on), true);
    for (const off of ['no', 'nope', 'false', '0', '01']) assert.equal(parsePeerVpnBool(off), false);
    for (const bad of ['y', 'n', 'on', 'off', '', 'Yes']) assert.equal(parsePeerVpnBool(bad), undefined);
    const c = parse(`psk ${PSK}\nenablerelay yesplease\nenableprivdrop nope\nenableipv6 0\n`);
    assert.equal(c.relay, true);
    assert.equal(c.privDrop, false);
    assert.equal(c.ipv6, false);
  });

  test('an invalid boolean is an error at its line', () => {
    const e = parseError(`psk ${PSK}\n\nenablerelay y\n`);
    assert.equal(e.line, 3);
    assert.match(e.message, /^peervpn\.conf:3: 'enablerelay' needs a boolean/);
  });

  test('an unknown option is an error with file:line', () => {
    const e = parseError(`psk ${PSK}\nport 7000\nifconfig 10.8.0.1/24\n`);
    assert.equal(e.message, "peervpn.conf:3: unknown option 'ifconfig'");
  });

  test('networkname is normalised as PeerVPN does', () => {
    assert.equal(normaliseNetworkName('my-net'), 'MY_NET');
    assert.equal(normaliseNetworkName('my.net'), 'MY_NET');
    assert.equal(normaliseNetworkName('MY_NET'), 'MY_NET');
    assert.equal(normaliseNetworkName('Redis Repl 2'), 'REDIS_REPL_2');
    assert.equal(normaliseNetworkName('é'), '_');
    assert.equal(normaliseNetworkName(''), 'DEFAULT');
    assert.equal(parse(`psk ${PSK}\nnetworkname my-net\n`).networkName, 'MY_NET');
  });

  test('endconfig stops reading; echo lines are collected', () => {
    const c = parse(`echo hello  world\npsk ${PSK}\nport 5\nendconfig\nport 6\nbogus option\n`);
    assert.equal(c.port, 5);
    assert.deepEqual(c.echoes, ['hello  world']);
  });

  test('engine and unimplemented switches are accepted with a warning', () => {
    const c = parse(`psk ${PSK}\nengine rdrand\nenableconsole yes\nenableseccomp no\n`);
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings[0] ?? '', /peervpn\.conf:3: 'enableconsole' ignored/);
    assert.match(c.warnings[1] ?? '', /peervpn\.conf:2: 'engine' ignored/);
  });

  test('every documented option is read', () => {
    const c = parse(
      [
        `psk ${PSK}`,
        'port 7001',
        'networkname x',
        'enabletunneling no',
        'interface rm0',
        'ifconfig4 10.8.0.9/16',
        'ifconfig6 fd00:8::9/64',
        'initpeers 192.0.2.1 7000',
        'local 192.0.2.9',
        'enableipv4 yes',
        'enableipv6 no',
        'enablerelay yes',
        'enableprivdrop no',
        'user daemon',
        'group daemon',
        'chroot /var/empty',
        'upcmd logger up',
        'sockmark 42',
        'enablendpcache yes',
      ].join('\n'),
    );
    assert.equal(c.tunneling, false);
    assert.deepEqual(c.ifconfig6, { address: 'fd00:8::9', prefixLength: 64 });
    assert.equal(c.local, '192.0.2.9');
    assert.equal(c.user, 'daemon');
    assert.equal(c.group, 'daemon');
    assert.equal(c.chroot, '/var/empty');
    assert.equal(c.upcmd, 'logger up');
    assert.equal(c.sockmark, 42);
    assert.equal(c.ndpCache, true);
    assert.equal(c.relay, true);
    assert.equal(c.ipv6, false);
  });

  describe('refuses what PeerVPN silently accepts', () => {
    test('no psk: PeerVPN would use "default"', () => {
      const e = parseError('port 7000\n');
      assert.equal(e.line, undefined);
      assert.match(e.message, /^peervpn\.conf: no 'psk' option: .*'default'.*redmesh keygen/);
    });

    test('psk default and an empty psk', () => {
      assert.match(
        parseError('psk default\n').message,
        /^peervpn\.conf:1: psk 'default' is PeerVPN's public default/,
      );
      assert.match(parseError('port 1\npsk\n').message, /^peervpn\.conf:2: psk '' is/);
    });

    test('a short psk, with the reason', () => {
      const e = parseError('psk abcdefghijklmno\n');
      assert.match(e.message, /psk is 15 characters; at least 16 are required, because .*offline/);
      assert.equal(parse('psk abcdefghijklmnop\n').psk, 'abcdefghijklmnop');
    });

    test('a psk cut short by # or ;', () => {
      const e = parseError(`port 7000\npsk ${PSK.slice(0, 40)}#rest-of-key\n`);
      assert.equal(e.line, 2);
      assert.match(e.message, /contains '#'.*cut to its first 40 characters/);
      assert.match(parseError(`psk ${PSK.slice(0, 40)} ; my comment\n`).message, /contains ';'/);
    });

    test('a truncated psk line that a later psk line replaces is fine (last wins)', () => {
      assert.equal(parse(`psk short#x\npsk ${PSK}\n`).psk, PSK);
    });
  });

  describe('validates values', () => {
    const cases: readonly [string, RegExp][] = [
      ['port 70000', /'port' needs a UDP port/],
      ['port seven', /'port' needs a UDP port/],
      ['ifconfig4 10.8.0.1', /'ifconfig4' needs an IPv4 address\/length/],
      ['ifconfig4 10.8.0.1/33', /'ifconfig4'/],
      ['ifconfig4 fd00::1/64', /'ifconfig4'/],
      ['ifconfig6 10.8.0.1/24', /'ifconfig6'/],
      ['initpeers 192.0.2.1', /host\/port pairs/],
      ['initpeers 192.0.2.1 0', /port for '192.0.2.1' must be 1-65535/],
      ['local not-an-ip', /'local' needs an IPv4 or IPv6 address/],
      ['interface averyveryverylongname', /longer than 15/],
      ['sockmark -1', /'sockmark'/],
    ];
    for (const [line, pattern] of cases) {
      test(line, () => {
        const e = parseError(`psk ${PSK}\n${line}\n`);
        assert.equal(e.line, 2);
        assert.match(e.message, pattern);
      });
    }
    test('both address families off', () => {
      assert.match(parseError(`psk ${PSK}\nenableipv4 no\nenableipv6 no\n`).message, /no socket/);
    });
  });

  test('stdin reading stops at endconfig even if the stream stays open', async () => {
    const stream = new PassThrough();
    stream.write(`psk ${PSK}\nport 7000\nendconfig\n`);
    const text = await readConfigFromStream(stream);
    assert.equal(parsePeerVpnConfig(text, '-').port, 7000);
    stream.destroy();
  });
});

describe('config file permissions', () => {
  const withFile = async (
    mode: number,
    text: string,
    check: (path: string) => Promise<void>,
  ): Promise<void> => {
    const dir = await mkdtemp(join(tmpdir(), 'rmv-perm-'));
    try {
      const path = join(dir, 'peervpn.conf');
      await writeFile(path, text);
      await chmod(path, mode); // explicit: the umask would mask the bits under test
      await check(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const config = `networkname N\npsk ${PSK}\nupcmd ip link show\n`;

  test('a config writable by every user is refused', async () => {
    await withFile(0o666, config, async (path) => {
      await assert.rejects(
        loadPeerVpnConfig(path),
        /refusing a config writable by every user: it holds the PSK and an upcmd/,
      );
    });
  });

  test('a config readable by others or writable by its group loads with a loud warning', async () => {
    await withFile(0o644, config, async (path) => {
      const c = await loadPeerVpnConfig(path);
      assert.ok(
        c.warnings.some((w) => /SECURITY: the config is readable by others \(mode 644\)/.test(w)),
        c.warnings.join('\n'),
      );
    });
    await withFile(0o660, config, async (path) => {
      const c = await loadPeerVpnConfig(path);
      assert.ok(c.warnings.some((w) => /SECURITY: the config is writable by its group/.test(w)));
    });
  });

  test('a config only its owner can read loads without a warning', async () => {
    await withFile(0o600, config, async (path) => {
      const c = await loadPeerVpnConfig(path);
      assert.ok(!c.warnings.some((w) => w.includes('SECURITY')));
    });
  });
});

describe('nodekey and allowednodes (redmesh options)', () => {
  const withDir = async (check: (dir: string) => Promise<void>): Promise<void> => {
    const dir = await mkdtemp(join(tmpdir(), 'rmv-nodekey-'));
    try {
      await check(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const writeConf = async (dir: string, extra: string): Promise<string> => {
    const path = join(dir, 'peervpn.conf');
    await writeFile(path, `networkname N\npsk ${PSK}\n${extra}`, { mode: 0o600 });
    return path;
  };

  test('a PeerVPN config without them keeps a per-process identity and admits anyone with the PSK', async () => {
    await withDir(async (dir) => {
      const c = await loadPeerVpnConfig(await writeConf(dir, ''));
      assert.equal(c.nodeKey, undefined);
      assert.equal(c.allowedNodes, undefined);
    });
  });

  test('paths are relative to the config file; the key and the list are read at load', async () => {
    await withDir(async (dir) => {
      const key = generateNodeKey();
      await writeFile(join(dir, 'node.key'), `${key}\n`, { mode: 0o600 });
      await writeFile(
        join(dir, 'allowed'),
        `# mesh\n${publicKeyOf(key)} me\n${publicKeyOf(generateNodeKey())}\n`,
      );
      const c = await loadPeerVpnConfig(await writeConf(dir, 'nodekey node.key\nallowednodes allowed\n'));
      assert.equal(Buffer.from(c.nodeKey!.publicKey).toString('base64'), publicKeyOf(key));
      assert.equal(c.nodeKeyPath, join(dir, 'node.key'));
      assert.equal(c.allowedNodes?.length, 2);
      assert.equal(c.allowedNodes?.[0]?.name, 'me');
    });
  });

  test('a bad allowednodes line, a missing file, a bad or world-writable node key are refused by name', async () => {
    await withDir(async (dir) => {
      await writeFile(join(dir, 'allowed'), `${publicKeyOf(generateNodeKey())}\nnot-a-key\n`);
      await assert.rejects(
        loadPeerVpnConfig(await writeConf(dir, 'allowednodes allowed\n')),
        new RegExp(`${join(dir, 'allowed')}:2: 'not-a-key' is not a public node key`),
      );
      await assert.rejects(
        loadPeerVpnConfig(await writeConf(dir, 'allowednodes nowhere\n')),
        /cannot read the 'allowednodes' file/,
      );
      await writeFile(join(dir, 'bad.key'), 'hello\n', { mode: 0o600 });
      await assert.rejects(loadPeerVpnConfig(await writeConf(dir, 'nodekey bad.key\n')), /not a node key/);
      await writeFile(join(dir, 'open.key'), generateNodeKey());
      await chmod(join(dir, 'open.key'), 0o666);
      await assert.rejects(
        loadPeerVpnConfig(await writeConf(dir, 'nodekey open.key\n')),
        /refusing a node key writable by every user/,
      );
      await chmod(join(dir, 'open.key'), 0o644);
      const c = await loadPeerVpnConfig(await writeConf(dir, 'nodekey open.key\n'));
      assert.ok(c.warnings.some((w) => /SECURITY: the node key is readable/.test(w)));
    });
  });
});
