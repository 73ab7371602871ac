/**
 * ACL inside scripts (script.c scriptVerifyACL): a script runs its redis.call/pcall with its caller's
 * user, a denied command, key or channel is an error in the script (caught by pcall), and ACL LOG
 * records it in the `lua` context — compared byte for byte with redis-server 7.0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

describe('ACL checks inside scripts, as redis-server 7.0', () => {
  let redis: RunningServer;
  let ours: RunningServer;

  before(async () => {
    redis = await startRedis(0);
    ours = await startRedmesh(0);
  });
  after(async () => {
    await stopAll(redis, ours);
  });

  async function transcript(port: number): Promise<string[]> {
    const admin = await RawConnection.open(port);
    const user = await RawConnection.open(port);
    try {
      const out: string[] = [];
      const say = async (c: RawConnection, ...argv: string[]): Promise<void> => {
        out.push((await c.call(argv, 10_000)).toString('latin1'));
      };
      await say(admin, 'ACL', 'SETUSER', 'u', 'on', '>pw', '~cache:*', '&news', '+@all', '-set');
      await say(user, 'AUTH', 'u', 'pw');
      await say(user, 'EVAL', "return redis.call('set','cache:a','1')", '0');
      await say(user, 'EVAL', "return redis.call('get','other')", '0');
      await say(user, 'EVAL', "return redis.pcall('get','other')", '0');
      await say(user, 'EVAL', "return redis.call('publish','sports','x')", '0');
      await say(user, 'EVAL', "return redis.call('get','cache:a')", '0');
      await say(user, 'EVAL', "return redis.call('publish','news','x')", '0');
      const log = (await admin.call(['ACL', 'LOG'], 10_000)).toString('latin1');
      // Entries' reason/context/object/username; age and client-info differ between runs.
      out.push(
        [...log.matchAll(/\$\d+\r\n(reason|context|object|username)\r\n\$\d+\r\n([^\r]*)\r\n/g)]
          .map((m) => `${m[1]}=${m[2]}`)
          .join(' '),
      );
      return out;
    } finally {
      admin.close();
      user.close();
    }
  }

  test('denied command, key and channel: the same errors and lua log entries', async () => {
    const expected = await transcript(redis.port);
    assert.match(expected.join(''), /context=lua/);
    assert.deepEqual(await transcript(ours.port), expected);
  });
});
