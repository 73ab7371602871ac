/**
 * `redmesh capture`'s pcap writer (the rootless demo's capture, exercised end to end in
 * test/netns/ops-demo-rootless): the file format tcpdump writes, and a clear error for an interface
 * that does not exist, before any socket or file is made.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pcapHeader, pcapRecord, startCapture } from '../../src/ops/index.js';

test('pcap header and record as tcpdump writes them (LINKTYPE_ETHERNET, microseconds)', () => {
  assert.equal(pcapHeader().toString('hex'), 'd4c3b2a1020004000000000000000000ffff000001000000');
  const r = pcapRecord(Buffer.from('abc'), 1_700_000_000_123.456);
  assert.equal(r.readUInt32LE(0), 1_700_000_000);
  assert.equal(r.readUInt32LE(4), 123_456);
  assert.equal(r.readUInt32LE(8), 3);
  assert.equal(r.readUInt32LE(12), 3);
  assert.equal(r.subarray(16).toString(), 'abc');
});

test('an interface that does not exist is refused by name, and no file is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-capture-'));
  try {
    const file = join(dir, 'x.pcap');
    assert.throws(() => startCapture('nosuchif0', file), /capture: no interface nosuchif0/);
    assert.equal(existsSync(file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
