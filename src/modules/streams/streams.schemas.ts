import { Type } from 'typebox';

/** The query every stream route takes. */
export const StreamQuery = Type.Object({
  access_token: Type.Optional(
    Type.String({
      maxLength: 8192,
      description:
        'the access token, for clients that cannot send headers (a browser’s EventSource); ' +
        'accepted on stream routes only, and never written to a log',
    }),
  ),
  last_event_id: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'resume after this event (the `Last-Event-ID` header does the same and wins); ' +
        'a malformed or altered id is 422',
    }),
  ),
});

export const TickerStreamParams = Type.Object({
  symbol: Type.String({ description: 'a symbol in any case, `$` or `#` prefix allowed' }),
});

const EVENTS = [
  '**Format.** `Content-Type: text/event-stream`. Each event has an `id:` (opaque: send it ' +
    'back as `Last-Event-ID` or `?last_event_id=` to resume), an `event:` and one `data:` ' +
    'line of JSON. A comment line `: ping` comes at least every `STREAM_HEARTBEAT_S` seconds ' +
    '(20 by default).',
  '**Events.** `post`: a Post, with your viewer fields (a repost on the following feed ' +
    'carries `reposted_by`); `post.updated`: the Post after an edit; `post.deleted`: ' +
    '`{ "id": … }`, sent to the streams that could have shown the post; `notification`: a ' +
    'Notification (notifications stream only).',
  '**Resume.** A reconnect with the last id first replays, oldest first, the posts (or ' +
    'notifications) written since that are still live and pass the same filters, at most ' +
    'the newest 100, then goes live; nothing is sent twice across the seam. Edits and deletes ' +
    'are not replayed.',
  '**Auth.** `Authorization: Bearer <token>`, or `?access_token=` (EventSource cannot send ' +
    'headers).',
  '**Limits.** `STREAM_MAX_PER_USER` (5) open streams per user and instance: the next is 429 ' +
    '`rate_limited`; `STREAM_MAX` (10,000) per instance: the next is 503 `unavailable`; both ' +
    'with `Retry-After`. A client that does not read is ended after a bounded buffer; the ' +
    'server also ends every stream on shutdown and, when `STREAM_MAX_DURATION_S` is set, after ' +
    'that many seconds. Reconnect with the last id each time.',
].join('\n\n');

const eventStream = {
  description: 'the stream (it stays open)',
  content: {
    'text/event-stream': {
      schema: Type.String({
        description:
          'events, e.g.\n\nid: WyIyMDI2LTEyLTA3VDEyOjAwOjAwLjAwMFoiLDQyXQ\nevent: post\ndata: {"id":"…",…}\n\n: ping',
      }),
    },
  },
};

/** The OpenAPI schema of a stream route. */
export function streamSchema(options: {
  operationId: string;
  summary: string;
  description: string;
  params?: typeof TickerStreamParams;
}) {
  return {
    operationId: options.operationId,
    summary: options.summary,
    description: `${options.description}\n\n${EVENTS}`,
    tags: ['streams'],
    querystring: StreamQuery,
    ...(options.params ? { params: options.params } : {}),
    response: {
      200: eventStream,
      // the other errors are added for every route (src/plugins/docs.ts)
      503: { $ref: 'ErrorResponse#' },
    },
  };
}
