export { Acl, mergeSelectorArguments, type AclClient, type UserLine } from './acl.js';
export { aclTraits } from './check.js';
export type { AclCommandTraits, AclDenial } from './check.js';
export { AclUser, hashPassword } from './user.js';
