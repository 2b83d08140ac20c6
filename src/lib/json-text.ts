/**
 * JSON that is already text, to be sent as it is: a page of posts that PostgreSQL wrote as
 * JSON (core/posts.view.ts) goes to the socket without being parsed into objects and
 * serialized again. `T` is the shape the text holds; the route's response schema still
 * describes it (and the OpenAPI document with it), the text is just not re-serialized.
 * plugins/json-text.ts sends it; `value()` parses it for a caller that wants objects.
 */
export class JsonText<T> {
  declare readonly shape?: T;
  constructor(readonly text: string) {}

  value(): T {
    return JSON.parse(this.text) as T;
  }
}

/**
 * A JsonText where a route handler must return its shape: the reply sends the text
 * (plugins/json-text.ts), so the type is the shape the client receives.
 */
export function asReply<T>(json: JsonText<T>): T {
  return json as unknown as T;
}
