import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  responses: Record<string, { content?: unknown; description?: string }>;
  requestBody?: unknown;
}

const ROUTES: Array<[string, string, string, string]> = [
  ['post', '/posts', 'createPost', '201'],
  ['get', '/posts', 'listPosts', '200'],
  ['get', '/posts/{post_id}', 'getPost', '200'],
  ['delete', '/posts/{post_id}', 'deletePost', '204'],
  ['get', '/users/{user_id}/posts', 'listUserPosts', '200'],
  ['post', '/posts/{post_id}/comments', 'createComment', '201'],
  ['get', '/posts/{post_id}/comments', 'listComments', '200'],
  ['delete', '/comments/{comment_id}', 'deleteComment', '204'],
  ['post', '/posts/{post_id}/reactions', 'togglePostReaction', '200'],
  ['post', '/comments/{comment_id}/reactions', 'toggleCommentReaction', '200'],
  ['post', '/posts/{post_id}/reposts', 'repostPost', '201'],
  ['delete', '/posts/{post_id}/reposts', 'deleteRepost', '204'],
  ['post', '/polls/{poll_id}/votes', 'votePoll', '201'],
  ['get', '/polls/{poll_id}/results', 'getPollResults', '200'],
];

describe('OpenAPI document of posts, comments, reactions, reposts and polls', () => {
  const t = useTestApp();

  it.each(ROUTES)('documents %s %s', async (method, path, operationId, status) => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operation = doc.paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation!.operationId).toBe(operationId);
    expect(operation!.tags?.length).toBe(1);
    expect(operation!.summary).toEqual(expect.any(String));
    expect(operation!.responses[status]).toBeDefined();
    if (status !== '204') expect(operation!.responses[status]!.content).toBeDefined();
    expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['401', '500']));
  });
});
