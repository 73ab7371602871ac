export {
  RedisConnection,
  RedisReplyError,
  describe,
  parseInfo,
  parseRedisAddress,
  withConnection,
} from './client.js';
export type { RedisAddress } from './client.js';
