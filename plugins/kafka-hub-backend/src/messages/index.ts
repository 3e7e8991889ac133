export { MessageReader, TopicNotFoundError } from './MessageReader';
export type {
  MessageReaderOptions,
  RawMessage,
  ReadRequest,
  ReadResult,
  ReadStart,
} from './MessageReader';
export { MessageDecoder, createSchemaRegistry } from './MessageDecoder';
export { FieldMask } from './maskFields';
