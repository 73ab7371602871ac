export { FIREWALL_NAME, FirewallError, checkPolicy, sourceFamily } from './policy.js';
export type { FirewallPolicy } from './policy.js';
export {
  BACKENDS,
  applyRules,
  backendActive,
  detectBackend,
  iptablesScript,
  nftablesScript,
  printRules,
  removeRules,
  runCommand,
} from './backends.js';
export type { BackendName, CommandRunner } from './backends.js';
