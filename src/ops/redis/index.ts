export { RedisConnection, RedisReplyError, describe, parseInfo, withConnection } from './client.js';
export type { RedisAddress } from './client.js';
