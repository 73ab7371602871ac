import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePeerVpnConfig } from '../../src/vpn/config/index.js';
import { stableTapMac } from '../../src/vpn/mac.js';

const PSK = 'x'.repeat(32);

test('the TAP MAC is stable per node, distinct between nodes, unicast and locally administered', () => {
  const a = parsePeerVpnConfig(`psk ${PSK}\nifconfig4 10.8.0.1/24\n`, 'a');
  const b = parsePeerVpnConfig(`psk ${PSK}\nifconfig4 10.8.0.2/24\n`, 'b');
  const macA = stableTapMac(a, 'peervpn0');
  assert.match(macA, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  assert.equal(Number.parseInt(macA.slice(0, 2), 16) & 0x03, 0x02, 'locally administered unicast');
  assert.equal(
    stableTapMac(parsePeerVpnConfig(`psk ${PSK}\nifconfig4 10.8.0.1/24\n`, 'a'), 'peervpn0'),
    macA,
  );
  assert.notEqual(stableTapMac(b, 'peervpn0'), macA);
  assert.notEqual(stableTapMac(a, 'peervpn1'), macA);
});
