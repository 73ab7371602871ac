/**
 * The PeerVPN config reader (`peervpn.conf`), the VPN's own: `redmesh vpn` loads none of the
 * redis.conf machinery in src/config.
 */
export {
  MIN_PSK_LENGTH,
  PeerVpnConfigError,
  loadPeerVpnConfig,
  normaliseNetworkName,
  parsePeerVpnBool,
  parsePeerVpnConfig,
  parseAllowedNodesFile,
  readConfigFromStream,
} from './peervpn.js';
export type { InitPeer, InterfaceAddress, PeerVpnConfig } from './peervpn.js';
