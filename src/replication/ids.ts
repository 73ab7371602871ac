/** Replication ids (changeReplicationId / shiftReplicationId in replication.c). */
import { randomBytes } from 'node:crypto';
import { CONFIG_RUN_ID_SIZE } from './constants.js';

/** A fresh replication id: 40 random hex characters. */
export function newReplid(): string {
  return randomBytes(CONFIG_RUN_ID_SIZE / 2).toString('hex');
}

/** A syntactically valid replication id (what +FULLRESYNC must carry to be trusted). */
export function isReplid(text: string): boolean {
  return text.length === CONFIG_RUN_ID_SIZE && /^[0-9a-f]+$/i.test(text);
}
