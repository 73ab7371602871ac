/**
 * The ACL rules engine on its own: the dispatcher's fast path (a user allowed everything is
 * `unrestricted`, so no check runs per command), selector arguments merged as ACL SETUSER reads them,
 * and the check's choice of the most relevant denial across selectors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCommands } from '../../src/commands/index.js';
import { defaultConfig, ServerState, commandTable } from '../../src/server/index.js';
import { aclTraits, mergeSelectorArguments } from '../../src/server/acl/index.js';

function state(): ServerState {
  return new ServerState(defaultConfig(), commandTable(allCommands));
}

test('the default user is unrestricted (no per-command check) until a rule narrows it; requirepass keeps it so', () => {
  const s = state();
  const acl = s.acl;
  assert.equal(acl.defaultUser.unrestricted, true);
  assert.equal(s.config.configSet([['requirepass', 'pw']]), undefined);
  assert.equal(acl.defaultUser.unrestricted, true);
  assert.equal(acl.defaultUser.checkPassword('pw'), true);
  assert.equal(acl.defaultUser.checkPassword('nope'), false);
  assert.equal(acl.authRequired(), true);
  const caller = { id: 0, protocol: 2 as const, dbIndex: 0, inMulti: false };
  assert.equal(acl.setUser(caller, 'default', ['-flushall']), undefined);
  assert.equal(acl.defaultUser.unrestricted, false);
  assert.equal(acl.setUser(caller, 'default', ['+@all']), undefined);
  assert.equal(acl.defaultUser.unrestricted, true);
  // A new user with +@all ~* still lacks channels under 7.0's acl-pubsub-default: checked.
  assert.equal(acl.setUser(caller, 'app', ['on', '+@all', '~*']), undefined);
  assert.equal(acl.credentials('app', 'x'), undefined);
});

test('selector arguments split across words are merged; an unclosed one is reported by its first word', () => {
  assert.deepEqual(mergeSelectorArguments(['on', '(~a', '+get)', '(+set)', '~b']), [
    'on',
    '(~a +get)',
    '(+set)',
    '~b',
  ]);
  assert.deepEqual(mergeSelectorArguments(['on', '(~a', '+get']), { unmatched: 1 });
});

test('the most relevant denial across selectors: a key over the command, the later argument over an earlier one', () => {
  const s = state();
  const acl = s.acl;
  const caller = { id: 0, protocol: 2 as const, dbIndex: 0, inMulti: false };
  assert.equal(
    acl.setUser(caller, 'u', ['on', 'nopass', '-@all', '+get', '~a', '(+mget ~b)', '(+mget ~x ~y)']),
    undefined,
  );
  const mget = s.commands.get('mget');
  assert.ok(mget !== undefined);
  const u = acl.credentials('u', '');
  assert.ok(u !== undefined);
  const t = aclTraits(mget, 'mget');
  assert.deepEqual(acl.check(u, t, ['MGET', 'b', 'x']), { reason: 'key', object: 'x' });
  assert.deepEqual(acl.check(u, t, ['MGET', 'x', 'z']), { reason: 'key', object: 'z' });
  assert.equal(acl.check(u, t, ['MGET', 'y', 'x']), undefined);
  const set = s.commands.get('set');
  assert.ok(set !== undefined);
  assert.deepEqual(acl.check(u, aclTraits(set, 'set'), ['SET', 'a', '1']), {
    reason: 'command',
    object: 'set',
  });
});
