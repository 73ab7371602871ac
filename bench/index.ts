/**
 * `npm run bench`: the Redis-side benchmarks, one after the other, each against a real redis-server in
 * the same run: bench/redis.ts (redis-benchmark, fixed and random keys), bench/memory-churn.ts (RSS
 * against used_memory under maxmemory churn), bench/bigdata.ts (big collections, big dataset, GC
 * pauses) and bench/persistence.ts (BGSAVE, load, AOF everysec). Flags are shared (each takes its own; see each file). The VPN benchmark is `npm run bench:vpn`.
 */
await import('./redis.js');
const { memoryChurn } = await import('./memory-churn.js');
await memoryChurn();
const { bigData } = await import('./bigdata.js');
await bigData();
await import('./persistence.js');
