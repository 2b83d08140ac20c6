import { type Static, Type } from 'typebox';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.js';

export const ErrorLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warning'),
  Type.Literal('info'),
]);
export const ErrorSource = Type.Union([
  Type.Literal('backend'),
  Type.Literal('frontend'),
  Type.Literal('mobile'),
]);

/** The context of a client error: any JSON object of at most 16 KB. */
export const MAX_CONTEXT_BYTES = 16 * 1024;

export const NewClientError = Type.Object({
  message: Text({ maxLength: 2000, description: '1-2000 characters' }),
  level: ErrorLevel,
  source: Type.Optional(
    Type.Union([Type.Literal('frontend'), Type.Literal('mobile')], { default: 'frontend' }),
  ),
  stack: Type.Optional(Text({ maxLength: 20_000 })),
  url: Type.Optional(Text({ maxLength: 2000 })),
  user_agent: Type.Optional(Text({ maxLength: 1000 })),
  context: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'any JSON object, at most 16 KB' }),
  ),
});
export type NewClientError = Static<typeof NewClientError>;

export const ErrorLog = Type.Object({
  id: Uuid,
  level: ErrorLevel,
  source: ErrorSource,
  message: Type.String(),
  stack: Nullable(Type.String()),
  url: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  context: Nullable(Type.Object({}, { additionalProperties: true })),
  user_id: Nullable(Uuid),
  request_id: Nullable(Type.String()),
  resolved: Type.Boolean(),
  resolved_at: Nullable(Timestamp),
  resolved_by: Nullable(Uuid),
  created_at: Timestamp,
});
export type ErrorLog = Static<typeof ErrorLog>;

export const ErrorLogQuery = Type.Object({
  ...PageQuery,
  resolved: Type.Optional(Type.Boolean()),
  level: Type.Optional(ErrorLevel),
  source: Type.Optional(ErrorSource),
  since: Type.Optional(Timestamp),
});
export type ErrorLogQuery = Static<typeof ErrorLogQuery>;
