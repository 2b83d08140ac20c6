import { type Static, type TSchema, Type } from 'typebox';

/** Shared TypeBox pieces: they validate requests and become the OpenAPI document. */

/** The one UUID pattern of the service: 8-4-4-4-12 hexadecimal digits, any case. */
const UUID_SOURCE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID_PATTERN = new RegExp(UUID_SOURCE);

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export const Uuid = Type.String({ format: 'uuid', pattern: UUID_SOURCE, description: 'a UUID' });
export const Timestamp = Type.String({
  format: 'date-time',
  description: 'ISO-8601 UTC, e.g. 2026-11-25T17:00:00.000Z',
});

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * Free text as people type it: any character but NUL and the other C0 controls (tab, line
 * feed and carriage return are allowed; a carriage return becomes a line feed when stored).
 * maxLength here is a coarse guard; the exact limit, after trimming, is checked by cleanText.
 */
export const Text = (options: { maxLength: number; description?: string }) =>
  Type.String({
    pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*$',
    maxLength: options.maxLength,
    ...(options.description ? { description: options.description } : {}),
  });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'a code of the error catalogue, e.g. not_found' }),
      message: Type.String(),
      request_id: Type.String(),
      details: Type.Optional(
        Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
      ),
    }),
  },
  { $id: 'ErrorResponse', title: 'Error' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'items a page' }),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'next_cursor of the previous page' }),
  ),
};

/** PageQuery plus `offset`, for the lists where the plan asks for paging by number. */
export const OffsetPageQuery = {
  ...PageQuery,
  offset: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description: 'items to skip (prefer cursor: it is stable and costs the same at any depth)',
    }),
  ),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    next_cursor: Nullable(Type.String({ description: 'pass as cursor for the next page' })),
  });

/** Path parameters holding one id (a malformed one is a 404: plugins/errors.ts). */
const IdParams = <N extends string>(name: N) =>
  Type.Object({ [name]: Uuid } as { [K in N]: typeof Uuid });
export const PostIdParams = IdParams('post_id');
export const CommentIdParams = IdParams('comment_id');
export const UserIdParams = IdParams('user_id');
export const PollIdParams = IdParams('poll_id');
