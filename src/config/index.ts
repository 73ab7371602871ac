export {
  MIN_PSK_LENGTH,
  PeerVpnConfigError,
  loadPeerVpnConfig,
  normaliseNetworkName,
  parsePeerVpnBool,
  parsePeerVpnConfig,
  readConfigFromStream,
} from './peervpn.js';
export type { InitPeer, InterfaceAddress, PeerVpnConfig } from './peervpn.js';
