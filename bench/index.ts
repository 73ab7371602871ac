/** `npm run bench`: the Redis-side benchmark (bench/redis.ts). The VPN benchmark is `npm run bench:vpn`. */
import './redis.js';
