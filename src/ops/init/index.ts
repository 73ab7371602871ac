export {
  DEFAULT_NETWORK_NAME,
  DEFAULT_REDIS_PORT,
  DEFAULT_VPN_PORT,
  OVERLAY_PREFIX,
  VPN_INTERFACE,
  TopologyError,
  buildTopology,
} from './topology.js';
export type { Topology, TopologyNode, TopologyRequest } from './topology.js';
export {
  CONFIG_DIR,
  DATA_DIR,
  SERVER_UNIT,
  SERVICE_USER,
  VPN_UNIT,
  firewallPolicy,
  peervpnConf,
  redisConf,
  serverUnit,
  vpnUnit,
} from './render.js';
export type { RenderOptions, Secrets } from './render.js';
export {
  InitError,
  appendOnlySupported,
  deploymentFiles,
  newSecrets,
  thisRedmesh,
  writeDeployment,
} from './deployment.js';
export type { DeploymentFile } from './deployment.js';
