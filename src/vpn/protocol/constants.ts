/**
 * Every constant of the redmesh VPN protocol, with the names docs/vpn-protocol.md uses.
 * Times are milliseconds of the monotonic clock the shell passes in as `now`. Ethernet/IP/UDP/TCP
 * numbers are in ../packet/constants.ts.
 */

// ---- PSK stretching (scrypt) ----
export const SCRYPT_N = 1 << 15; // 32 MiB with r = 8: ~200 ms of CPU here
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
export const SCRYPT_SALT_LABEL = 'redmesh-vpn-v1 network ';

// ---- Noise ----
export const NOISE_PROTOCOL_NAME = 'Noise_IKpsk1_25519_ChaChaPoly_BLAKE2s';
export const NOISE_PROLOGUE = 'redmesh-vpn-v1';

// ---- wire format ----
export const MESSAGE_HANDSHAKE_INITIATION = 1;
export const MESSAGE_HANDSHAKE_RESPONSE = 2;
export const MESSAGE_COOKIE_REPLY = 3;
export const MESSAGE_TRANSPORT = 4;
export const MESSAGE_HELLO = 5;

/** Transport packet: type(1) kind(1) reserved(2) receiver(4) counter(8) ciphertext tag(16). */
export const TRANSPORT_HEADER_SIZE = 16;
export const AEAD_TAG_SIZE = 16;
/** Bytes a transport packet adds to its payload (an Ethernet frame). */
export const TRANSPORT_OVERHEAD = TRANSPORT_HEADER_SIZE + AEAD_TAG_SIZE; // 32
/** A NodeID on the wire (BLAKE2s-256 of the static key): a relayIn payload starts with the target's. */
export const NODE_ID_SIZE = 32;

// ---- timers (names after wireguard-go's constants.go where the meaning is the same) ----
export const REKEY_AFTER_MESSAGES = 2 ** 40;
export const REJECT_AFTER_MESSAGES = 2 ** 40 + 2 ** 20;
export const REKEY_AFTER_TIME = 120_000;
export const REJECT_AFTER_TIME = 180_000;
export const REKEY_ATTEMPT_TIME = 90_000;
export const REKEY_TIMEOUT = 5_000;
export const KEEPALIVE_TIMEOUT = 10_000;
export const DEAD_PEER_TIMEOUT = 25_000;
/** A data packet received and nothing sent back for this long: send a keepalive (so data is always answered). */
export const PASSIVE_KEEPALIVE_TIMEOUT = 1_000;
/**
 * Data sent and nothing authenticated received for this long: the peer may have restarted (new identity,
 * same endpoint), so send a Hello there. Longer than PASSIVE_KEEPALIVE_TIMEOUT plus a round trip, so a
 * live peer has always answered by then.
 */
export const UNANSWERED_DATA_TIMEOUT = 2_500;
/**
 * Nothing at all received for this long although an idle live peer sends a keepalive every
 * KEEPALIVE_TIMEOUT: probe the endpoint too (then at most every UNANSWERED_DATA_TIMEOUT), well before
 * DEAD_PEER_TIMEOUT gives up on the session.
 */
export const SILENCE_PROBE_TIMEOUT = KEEPALIVE_TIMEOUT + UNANSWERED_DATA_TIMEOUT;
/** Frames read while no peer is connected are held this long for the first peer that comes up. */
export const UNROUTED_FRAME_HOLD_TIME = 2_000;
export const PEERINFO_INTERVAL = 20_000;
export const REDIAL_MIN_INTERVAL = 1_000;
export const REDIAL_MAX_INTERVAL = 30_000;
/**
 * A confirmed peer unreachable this long is no longer redialled on a timer. It stays in the peer table
 * (a full table evicts it after the unconfirmed peers) and is dialled again on demand (DEMAND_DIAL_INTERVAL),
 * so traffic resumes within seconds however long a partition lasted.
 */
export const DORMANT_AFTER = 600_000;
/**
 * A frame from the TAP that no connected peer takes (flooded, or held) dials every peer we lost and
 * every unconnected init peer at once, at most once per this interval each (WireGuard dials on data
 * too). That, not the redial backoff, bounds recovery after a partition heals.
 */
export const DEMAND_DIAL_INTERVAL = 1_000;
/**
 * While a connected peer is reached through a relay, a keepalive on its session goes to its direct
 * candidates this often; the first that arrives moves both sides to the direct path (roaming).
 */
export const DIRECT_PATH_PROBE_INTERVAL = 4_000;
/**
 * A peer we never had a session with (learned from a hello or peer exchange, which anyone holding the
 * PSK can fill with throw-away identities) is forgotten after this long without one.
 */
export const FORGET_UNCONFIRMED_PEER_AFTER = 90_000;
export const MAC_TABLE_TIMEOUT = 300_000;
export const COOKIE_SECRET_LIFETIME = 120_000;
export const COOKIE_LIFETIME = 120_000 - 5_000;

// ---- limits ----
export const REPLAY_WINDOW_SIZE = 2048;
export const HANDSHAKES_PER_SECOND_UNDER_LOAD = 64;
/** Per source IP address, before the load count (wireguard-go's ratelimiter: 20/s, bursts of 5). */
export const HANDSHAKES_PER_SECOND_PER_IP = 20;
export const HANDSHAKE_BURST_PER_IP = 5;
/** Source addresses the rate limiter tracks at most. */
export const RATE_LIMIT_MAX_SOURCES = 4096;
export const MAX_PEERS = 256;
export const MAX_QUEUED_FRAMES = 64;
export const PEERINFO_MAX_ENTRIES = 16;
export const MAC_TABLE_MAX_ENTRIES = 8192;
