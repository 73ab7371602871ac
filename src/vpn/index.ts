export { generatePsk, PSK_RANDOM_BYTES } from './keygen.js';
export { TapDevice, MAX_FRAMES_PER_WAKEUP } from './tap.js';
export { UdpTransport, SOCKET_BUFFER_BYTES } from './udp.js';
export type { ReceivedDatagram, UdpOptions } from './udp.js';
