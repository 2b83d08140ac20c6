import { describe, expect, it } from 'vitest';
import type { Poll } from '../../../src/core/polls.js';
import type { Post } from '../../../src/core/posts.schemas.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter } from '../../helpers/content.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

const UNKNOWN = '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f';

describe('polls', () => {
  const t = useTestApp();

  async function newPoll(
    author: TestUser,
    options = ['Up', 'Down', 'Flat'],
  ): Promise<Post & { poll: Poll }> {
    return (await createPost(t, author, {
      content: 'where next? $SPY',
      poll: { options },
    })) as unknown as Post & {
      poll: Poll;
    };
  }
  const vote = (user: TestUser, pollId: string, payload: unknown) =>
    t.request({
      method: 'POST',
      url: `/polls/${pollId}/votes`,
      token: user.token,
      payload: payload as object,
    });
  const results = (pollId: string, user?: TestUser) =>
    t.request({ method: 'GET', url: `/polls/${pollId}/results`, token: user?.token });

  it('counts a vote, shows it to the voter, and refuses a second one', async () => {
    const author = await createUser(t);
    const voter = await createUser(t);
    const { poll } = await newPoll(author);
    const [up, down] = poll.options;
    const res = await vote(voter, poll.id, { option_id: down!.id });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: poll.id,
      options: [
        { id: up!.id, text: 'Up', votes: 0 },
        { id: down!.id, text: 'Down', votes: 1 },
        { id: poll.options[2]!.id, text: 'Flat', votes: 0 },
      ],
      total_votes: 1,
      expires_at: poll.expires_at,
      is_expired: false,
      viewer_vote: down!.id,
    });
    expectError(await vote(voter, poll.id, { option_id: up!.id }), 409, 'already_voted');
    expect((await results(poll.id, voter)).json()).toMatchObject({
      total_votes: 1,
      viewer_vote: down!.id,
    });
    const anonymous = await results(poll.id);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toMatchObject({ total_votes: 1, viewer_vote: null });
    // the poll inside the post says the same
    const post = await t.request({
      method: 'GET',
      url: `/posts?limit=1&author_id=${author.id}`,
      token: voter.token,
    });
    expect(post.json().items[0].poll).toEqual((await results(poll.id, voter)).json());
  });

  it('refuses votes after expires_at with 409 poll_closed', async () => {
    const author = await createUser(t);
    const voter = await createUser(t);
    const { poll } = await newPoll(author);
    await t.db
      .updateTable('polls')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', poll.id)
      .execute();
    expectError(await vote(voter, poll.id, { option_id: poll.options[0]!.id }), 409, 'poll_closed');
    expect((await results(poll.id)).json()).toMatchObject({ is_expired: true, total_votes: 0 });
  });

  it('refuses options of another poll, unknown and malformed ids', async () => {
    const author = await createUser(t);
    const voter = await createUser(t);
    const { poll } = await newPoll(author);
    const { poll: other } = await newPoll(author, ['yes', 'no']);
    for (const payload of [
      { option_id: other.options[0]!.id },
      { option_id: UNKNOWN },
      { option_id: "x' or 1=1 --" },
      {},
      { option_id: 5 },
    ]) {
      const error = expectError(await vote(voter, poll.id, payload), 422, 'validation_error');
      expect(error.details).toEqual([expect.objectContaining({ field: 'option_id' })]);
    }
    for (const id of [UNKNOWN, 'nope']) {
      expectError(await vote(voter, id, { option_id: poll.options[0]!.id }), 404, 'not_found');
      expectError(await results(id), 404, 'not_found');
    }
    expectError(
      await t.request({
        method: 'POST',
        url: `/polls/${poll.id}/votes`,
        payload: { option_id: UNKNOWN },
      }),
      401,
      'unauthorized',
    );
    expect((await results(poll.id)).json().total_votes).toBe(0);
  });

  it('is gone with its post', async () => {
    const author = await createUser(t);
    const post = await newPoll(author);
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: author.token });
    expectError(await results(post.poll.id), 404, 'not_found');
    expectError(
      await vote(author, post.poll.id, { option_id: post.poll.options[0]!.id }),
      404,
      'not_found',
    );
  });

  it('refuses a vote across a block', async () => {
    const author = await createUser(t);
    const voter = await createUser(t);
    const { poll } = await newPoll(author);
    await addFilter(t, author, voter, 'block');
    expectError(await vote(voter, poll.id, { option_id: poll.options[0]!.id }), 403, 'blocked');
  });

  it('counts 10 users voting at once', async () => {
    const author = await createUser(t);
    const voters = await Promise.all(Array.from({ length: 10 }, () => createUser(t)));
    const { poll } = await newPoll(author);
    const answers = await Promise.all(
      voters.map((voter, i) => vote(voter, poll.id, { option_id: poll.options[i % 3]!.id })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    const final = (await results(poll.id)).json() as Poll;
    expect(final.total_votes).toBe(10);
    expect(final.options.map((o) => o.votes)).toEqual([4, 3, 3]);
  });

  it('answers one 201 and one 409 to a user voting twice at once', async () => {
    const author = await createUser(t);
    const voter = await createUser(t);
    const { poll } = await newPoll(author);
    const answers = await Promise.all([
      vote(voter, poll.id, { option_id: poll.options[0]!.id }),
      vote(voter, poll.id, { option_id: poll.options[1]!.id }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('already_voted');
    const final = (await results(poll.id, voter)).json() as Poll;
    expect(final.total_votes).toBe(1);
    expect(final.options.reduce((sum, o) => sum + o.votes, 0)).toBe(1);
    expect(final.viewer_vote).toBe(answers.find((a) => a.statusCode === 201)!.json().viewer_vote);
  });
});
