import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { HandshakeState, parseProtocolName } from '../../src/vpn/noise/index.js';
import { sharedFixture } from '../helpers/shared.js';

// Fixtures live beside the repository (CI has them at ../shared), never inside it.
const fixtures = sharedFixture('noise/');

interface Vector {
  readonly protocol_name: string;
  readonly init_prologue: string;
  readonly init_psks?: readonly string[];
  readonly init_static?: string;
  readonly init_ephemeral: string;
  readonly init_remote_static?: string;
  readonly resp_prologue: string;
  readonly resp_psks?: readonly string[];
  readonly resp_static?: string;
  readonly resp_ephemeral?: string;
  readonly resp_remote_static?: string;
  readonly handshake_hash?: string;
  readonly messages: readonly { readonly payload: string; readonly ciphertext: string }[];
}

const hex = (s: string | undefined): Buffer | undefined =>
  s === undefined ? undefined : Buffer.from(s, 'hex');

/** Runs one vector: every handshake message both ways, the handshake hash, then transport messages. */
function runVector(v: Vector): void {
  const init = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: true,
    prologue: Buffer.from(v.init_prologue, 'hex'),
    ...opt('staticPrivateKey', hex(v.init_static)),
    ...opt('ephemeralPrivateKey', hex(v.init_ephemeral)),
    ...opt('remoteStaticKey', hex(v.init_remote_static)),
    psks: (v.init_psks ?? []).map((p) => Buffer.from(p, 'hex')),
  });
  const resp = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: false,
    prologue: Buffer.from(v.resp_prologue, 'hex'),
    ...opt('staticPrivateKey', hex(v.resp_static)),
    ...opt('ephemeralPrivateKey', hex(v.resp_ephemeral)),
    ...opt('remoteStaticKey', hex(v.resp_remote_static)),
    psks: (v.resp_psks ?? []).map((p) => Buffer.from(p, 'hex')),
  });
  const oneWay = parseProtocolName(v.protocol_name).pattern.oneWay;
  let i = 0;
  for (; !init.isComplete(); i++) {
    const m = v.messages[i];
    assert.ok(m, 'vector ends before the handshake does');
    const [writer, reader] = init.isMyTurn() ? [init, resp] : [resp, init];
    const ct = writer.writeMessage(Buffer.from(m.payload, 'hex'));
    assert.equal(ct.toString('hex'), m.ciphertext, `handshake message ${i}`);
    assert.equal(reader.readMessage(ct).toString('hex'), m.payload, `handshake payload ${i}`);
  }
  assert.ok(resp.isComplete());
  if (v.handshake_hash !== undefined) assert.equal(init.handshakeHash().toString('hex'), v.handshake_hash);
  assert.deepEqual(init.handshakeHash(), resp.handshakeHash());
  const ik = init.transportKeys();
  const rk = resp.transportKeys();
  for (; i < v.messages.length; i++) {
    const m = v.messages[i]!;
    // Two-way patterns alternate, continuing the handshake's turn order; one-way ones only go i→r.
    const fromInitiator = oneWay || i % 2 === 0;
    const [send, receive] = fromInitiator ? [ik.send, rk.receive] : [rk.send, ik.receive];
    const ct = send.encryptWithAd(new Uint8Array(0), Buffer.from(m.payload, 'hex'));
    assert.equal(ct.toString('hex'), m.ciphertext, `transport message ${i}`);
    assert.equal(receive.decryptWithAd(new Uint8Array(0), ct).toString('hex'), m.payload);
  }
}

function opt<K extends string>(key: K, value: Buffer | undefined): Partial<Record<K, Buffer>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, Buffer>);
}

for (const file of ['cacophony.txt', 'snow-snow.txt']) {
  test(`Noise implementation passes every vector in ${file}`, () => {
    const { vectors } = JSON.parse(readFileSync(fixtures + file, 'utf8')) as { vectors: Vector[] };
    const failures: string[] = [];
    for (const v of vectors) {
      try {
        runVector(v);
      } catch (e) {
        failures.push(`${v.protocol_name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    process.stdout.write(`# ${file}: ${vectors.length - failures.length}/${vectors.length} vectors pass\n`);
    assert.ok(vectors.length >= 400, 'the fixture is complete');
    assert.deepEqual(failures.slice(0, 10), []);
  });
}
