/**
 * `redmesh firewall` without touching any real table: the printed rules of each backend, and that
 * firewalld / ufw are driven only when their daemon is active (a recording runner stands in for the
 * tools). nftables and iptables are applied for real in test/netns/ops-deployment.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandRunner, FirewallPolicy } from '../../src/ops/index.js';
import { FirewallError, applyRules, checkPolicy, printRules, removeRules } from '../../src/ops/index.js';

const POLICY: FirewallPolicy = {
  vpnPort: 7000,
  redisPort: 6379,
  vpnInterface: 'peervpn0',
  redisSources: ['198.51.100.7', '2001:db8::/64'],
};

function recorder(active: boolean): { runner: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const runner: CommandRunner = (argv) => {
    calls.push(argv.join(' '));
    if (argv[0] === 'firewall-cmd' && argv[1] === '--state')
      return Promise.resolve({ code: active ? 0 : 252, output: active ? 'running' : 'not running' });
    if (argv[0] === 'ufw' && argv[1] === 'status')
      return Promise.resolve({ code: 0, output: active ? 'Status: active' : 'Status: inactive' });
    if (argv.includes('--get-zones')) return Promise.resolve({ code: 0, output: 'block dmz public' });
    return Promise.resolve({ code: 0, output: '' });
  };
  return { runner, calls };
}

describe('redmesh firewall rules', () => {
  test('nftables: one idempotent table; loopback, VPN and listed sources accepted, the rest of the Redis port dropped', () => {
    const text = printRules('nftables', POLICY, false);
    assert.match(text, /^table inet redmesh\ndelete table inet redmesh\ntable inet redmesh \{/m);
    const rules = text.split('\n').filter((l) => l.startsWith('\t\t'));
    assert.deepEqual(
      rules.map((l) => l.trim()),
      [
        'type filter hook input priority filter; policy accept;',
        'iifname "lo" tcp dport 6379 accept',
        'iifname "peervpn0" tcp dport 6379 accept',
        'ip saddr { 198.51.100.7 } tcp dport 6379 accept',
        'ip6 saddr { 2001:db8::/64 } tcp dport 6379 accept',
        'tcp dport 6379 drop',
        'udp dport 7000 accept',
      ],
    );
  });

  test("firewalld: the tutorial's zone, printed; applied only when firewalld runs", async () => {
    assert.equal(
      printRules('firewalld', POLICY, false),
      [
        'firewall-cmd --permanent --new-zone=redmesh',
        'firewall-cmd --permanent --zone=redmesh --add-interface=peervpn0',
        'firewall-cmd --permanent --zone=redmesh --add-port=6379/tcp',
        'firewall-cmd --permanent --zone=redmesh --add-source=198.51.100.7',
        'firewall-cmd --permanent --zone=redmesh --add-source=2001:db8::/64',
        'firewall-cmd --permanent --add-port=7000/udp',
        'firewall-cmd --reload',
        '',
      ].join('\n'),
    );
    const off = recorder(false);
    await assert.rejects(
      applyRules('firewalld', POLICY, off.runner),
      /firewalld is not running; use --print/,
    );
    assert.deepEqual(off.calls, ['firewall-cmd --state']);
    const on = recorder(true);
    await applyRules('firewalld', POLICY, on.runner);
    assert.ok(on.calls.includes('firewall-cmd --permanent --new-zone=redmesh'));
    assert.equal(on.calls.at(-1), 'firewall-cmd --reload');
    assert.equal(
      await removeRules('firewalld', POLICY, on.runner),
      false,
      'no redmesh zone: nothing to remove',
    );
  });

  test('ufw: allow the VPN port and the Redis port on the VPN interface, deny the rest; only when active', async () => {
    assert.match(
      printRules('ufw', POLICY, false),
      /^ufw allow 7000\/udp\nufw allow in on peervpn0 to any port 6379 proto tcp\n/,
    );
    assert.match(printRules('ufw', POLICY, false), /ufw deny 6379\/tcp\n$/);
    assert.match(printRules('ufw', POLICY, true), /^ufw delete allow 7000\/udp\n/);
    await assert.rejects(applyRules('ufw', POLICY, recorder(false).runner), /ufw is not running/);
    const on = recorder(true);
    await applyRules('ufw', POLICY, on.runner);
    assert.equal(on.calls.at(-1), 'ufw deny 6379/tcp');
  });

  test('bad input is refused with the flag named', () => {
    assert.throws(
      () => checkPolicy({ ...POLICY, redisPort: 0 }),
      (e: Error) => e instanceof FirewallError && /--redis-port 0/.test(e.message),
    );
    assert.throws(() => checkPolicy({ ...POLICY, redisSources: ['10.8.0.0/33'] }), /--source "10.8.0.0\/33"/);
    assert.throws(() => checkPolicy({ ...POLICY, vpnInterface: 'peer vpn' }), /--interface/);
  });
});
