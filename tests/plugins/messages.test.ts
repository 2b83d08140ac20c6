import { describe, expect, it } from 'vitest';
import { closed } from '../../src/lib/request-validator.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, expectError } from '../helpers/factories.js';

/** Error messages that tell the caller what to do (docs/rules.md "Errors"). */
describe('messages that say what to do', () => {
  const t = useTestApp();

  const postCount = async (authorId: string) =>
    (
      await t.db
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('author_id', '=', authorId)
        .executeTakeFirstOrThrow()
    ).n;

  it('refuses a body field the route does not define with a 422 naming it', async () => {
    const user = await createUser(t);
    const cases = [
      {
        method: 'POST',
        url: '/posts',
        payload: { content: 'typo', sentimnt: 'bullish' },
        field: 'sentimnt',
      },
      {
        method: 'POST',
        url: '/posts',
        payload: { content: 'vote', poll: { options: ['up', 'down'], duraton_days: 2 } },
        field: 'poll.duraton_days',
      },
      { method: 'PATCH', url: '/users/me', payload: { biography: 'hi' }, field: 'biography' },
      {
        method: 'POST',
        url: '/users/me/onboarding',
        payload: { username: 'typo_user', timezone: 'UTC', intrests: ['AAPL'] },
        field: 'intrests',
      },
    ] as const;
    for (const { field, ...request } of cases) {
      const error = expectError(
        await t.request({ ...request, token: user.token }),
        422,
        'validation_error',
      );
      expect(error.message).toMatch(
        new RegExp(`^${field.replace('.', '\\.')} is not a known field`),
      );
      expect(error.details).toContainEqual({
        field,
        message: expect.stringMatching(/known field/),
      });
    }
    // the known fields are named, so the typo is easy to fix
    const typo = expectError(
      await t.request({
        method: 'POST',
        url: '/posts',
        token: user.token,
        payload: { content: 'typo', sentimnt: 'bullish' },
      }),
      422,
      'validation_error',
    );
    expect(typo.message).toContain('known fields: content, sentiment, media_ids, poll');
    expect(await postCount(user.id)).toBe(0);

    // every field known: written
    const ok = await t.request({
      method: 'POST',
      url: '/posts',
      token: user.token,
      payload: { content: 'fine', sentiment: 'bullish' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('leaves query strings open and the OpenAPI schemas as written', async () => {
    const res = await t.request({ method: 'GET', url: '/posts?limit=2&utm_source=mail' });
    expect(res.statusCode).toBe(200);
    const schema = { type: 'object', properties: { a: { type: 'object', properties: {} } } };
    const copy = closed(schema);
    expect(copy).toMatchObject({
      additionalProperties: false,
      properties: { a: { additionalProperties: false } },
    });
    expect(schema).not.toHaveProperty('additionalProperties');
    // an object that says it is open stays open
    const open = closed({ type: 'object', properties: {}, additionalProperties: true });
    expect(open.additionalProperties).toBe(true);
  });

  it('lists the allowed values of a fixed-choice field', async () => {
    const user = await createUser(t);
    const body = expectError(
      await t.request({
        method: 'POST',
        url: '/posts',
        token: user.token,
        payload: { content: 'x', sentiment: 'bullsh' },
      }),
      422,
      'validation_error',
    );
    expect(body.message).toBe('sentiment must be one of "bullish", "bearish", null');
    const query = expectError(
      await t.request({ method: 'GET', url: '/search?q=ada&type=people' }),
      422,
      'validation_error',
    );
    expect(query.message).toBe('type must be one of "all", "users", "tickers"');
    expect(query.message).not.toContain('constant');
  });

  it('says a body is JSON that failed to parse, and where', async () => {
    const user = await createUser(t);
    const send = (payload: string) =>
      t.request({
        method: 'POST',
        url: '/posts',
        token: user.token,
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const bad = expectError(await send('{"content": hello}'), 400, 'bad_request');
    expect(bad.message).toBe("the body is not valid JSON: unexpected 'h' at line 1, column 13");
    const comma = expectError(await send('{"content": "a",\n}'), 400, 'bad_request');
    expect(comma.message).toMatch(/^the body is not valid JSON: .*line 2, column 1$/);
    const cut = expectError(await send('{"content": "a'), 400, 'bad_request');
    expect(cut.message).toMatch(/not valid JSON: it ends before the JSON is complete/);
    // the text sent is never echoed back
    expect(bad.message).not.toContain('hello');
    // the routes whose body is optional read JSON the same way
    const post = await t.request({
      method: 'POST',
      url: '/posts',
      token: user.token,
      payload: { content: 'repost me' },
    });
    const repost = expectError(
      await t.request({
        method: 'POST',
        url: `/posts/${post.json().id}/reposts`,
        token: user.token,
        headers: { 'content-type': 'application/json' },
        payload: '{quote: 1}',
      }),
      400,
      'bad_request',
    );
    expect(repost.message).toMatch(/^the body is not valid JSON: .* at line 1, column 2$/);
  });

  it('names the expected content type', async () => {
    const user = await createUser(t);
    const error = expectError(
      await t.request({
        method: 'POST',
        url: '/posts',
        token: user.token,
        headers: { 'content-type': 'text/plain' },
        payload: 'hello $AAPL',
      }),
      415,
      'unsupported_media_type',
    );
    expect(error.message).toBe(
      'Content-Type text/plain is not accepted here; send the body as application/json',
    );
  });

  it('answers a known path with a method it does not serve with 405 and Allow', async () => {
    const health = await t.request({ method: 'DELETE', url: '/health' });
    const error = expectError(health, 405, 'method_not_allowed');
    expect(health.headers.allow).toBe('GET, HEAD');
    expect(error.message).toBe('/health does not take DELETE; it takes GET, HEAD');
    // a path with a parameter
    const user = await createUser(t);
    const profile = await t.request({ method: 'PUT', url: `/users/${user.id}/follow` });
    expectError(profile, 405, 'method_not_allowed');
    expect(profile.headers.allow?.split(', ')).toEqual(expect.arrayContaining(['DELETE', 'POST']));
    // an unknown path is still a 404, and says where the routes are listed
    const missing = expectError(
      await t.request({ method: 'GET', url: '/no/such/route' }),
      404,
      'not_found',
    );
    expect(missing.message).toContain('/docs');
    expect((await t.request({ method: 'GET', url: '/health/' })).statusCode).toBe(404);
  });

  it('points GET / at the docs', async () => {
    const res = await t.request({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'PageShare API',
      docs: '/docs',
      openapi: '/openapi.json',
    });
  });

  it('says how to send a token, and where to get one locally', async () => {
    for (const url of ['/users/me', '/notifications']) {
      const error = expectError(await t.request({ method: 'GET', url }), 401, 'unauthorized');
      expect(error.message).toContain('Authorization: Bearer <token>');
      expect(error.message).toContain('npm run token');
    }
  });
});
