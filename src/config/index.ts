/** The config room: redis.conf reading (lines split by resp's splitArgs, include, command-line options), the live config, REWRITE. */
export { parseMemory, formatMemoryForRewrite, bytesToHuman } from './units.js';
export { RedisConfig } from './config.js';
export type { ApplyHook, ConfigSetFailure } from './config.js';
export type { ConfigView, ServerSettings } from './view.js';
export type { AnyDirective, Directive } from './directive.js';
export { MAXMEMORY_POLICIES } from './directives.js';
export type { MaxmemoryPolicy } from './directives.js';
export type { SaveParam, OutputBufferLimits, OutputBufferLimit, ClientClass, ReplicaOf } from './special.js';
export {
  ConfigError,
  COMMAND_LINE,
  REDIS_COMPAT_VERSION,
  loadConfig,
  loadConfigText,
  optionsToConfigText,
  unsupportedSettings,
} from './load.js';
export type { LoadedConfig, ExtraDirectives, RenameCommand, ConfigLocation, UserDirective } from './load.js';
export { rewriteConfigText, rewriteConfigFile, REWRITE_SIGNATURE } from './rewrite.js';
