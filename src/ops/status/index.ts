export { collectStatus, nodeStatusFromInfo } from './collect.js';
export type {
  ClusterStatus,
  MasterLink,
  RedisNodeStatus,
  ReplicaLink,
  StatusOptions,
  VpnStatus,
} from './collect.js';
export { DEFAULT_HEALTH_LIMITS, healthProblems } from './health.js';
export type { HealthLimits } from './health.js';
export { formatClusterStatus } from './format.js';
export { DEFAULT_SERVER_CONFIG, passwordFromConfig } from './password.js';
