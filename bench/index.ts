/**
 * `npm run bench`: the Redis-side benchmarks, one after the other (bench/redis.ts, then
 * bench/persistence.ts). The VPN benchmark is `npm run bench:vpn`.
 */
// Imported in turn: sibling modules with top-level await would otherwise run at the same time.
await import('./redis.js');
await import('./persistence.js');
