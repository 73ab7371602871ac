export * from './reply.js';
export * from './errors.js';
export * from './limits.js';
export { RequestParser, parseStrictInt, PROTO_INLINE_MAX_SIZE } from './parser.js';
export { splitArgs, quoteArg } from './sds.js';
export { isCSpace } from './ctype.js';
export type { ParserLimits, ProtocolError } from './parser.js';
export { encodeReply, formatDouble, formatG } from './encoder.js';
export type { Protocol } from './encoder.js';
export { ReplyWriter } from './writer.js';
export { BulkArrayBuilder } from './bulk-array.js';
export {
  DEFAULT_REPLY_LIMITS,
  ReplyProtocolError,
  ReplyReader,
  encodeReplyNode,
  parseReply,
  replyNodeText,
} from './reply-parser.js';
export type { AggregateType, BulkType, LineType, ReplyNode, ReplyParserLimits } from './reply-parser.js';
