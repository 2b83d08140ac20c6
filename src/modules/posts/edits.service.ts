import { requireLivePost } from '../../core/access.js';
import { keyset, type PageQuery, type PageResult } from '../../core/keyset.js';
import type { Post } from '../../core/posts.schemas.js';
import { findPosts } from '../../core/posts.view.js';
import type { Db } from '../../db/index.js';
import { conflict, forbidden, invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { extractTickers } from '../../lib/tickers.js';
import type { CurrentUser } from '../../plugins/auth.js';
import {
  insertEdit,
  lockPostForEdit,
  relinkTickers,
  selectEdits,
  updatePostText,
} from './posts.repository.js';
import { type EditPost, POST_CONTENT_MAX, type PostEdit } from './posts.schemas.js';

/**
 * Edits with a public history (docs/rules.md "Edits"): the author may change the text and the
 * sentiment for POST_EDIT_WINDOW_MINUTES after posting, up to the last millisecond of the
 * window. The version replaced is kept and anyone can read it, so an edit cannot quietly
 * rewrite a call after the market moved. In one transaction, with the post locked: the old
 * version, the new text, the tickers taken from it again (their counters follow through
 * `post_tickers_counter`); the trigger `posts_notify_3_mentions_edited` tells the users the new
 * text mentions who were not told of this post before. An edit that changes nothing records
 * nothing.
 */
export async function editPost(
  db: Db,
  postId: string,
  user: CurrentUser,
  body: EditPost,
  window: { now: Date; minutes: number },
): Promise<Post> {
  await db.transaction().execute(async (trx) => {
    const post = await lockPostForEdit(trx, postId);
    if (!post) throw notFound('post');
    if (post.author_id !== user.id) throw forbidden('only the author may edit this post');
    const closes = post.created_at.getTime() + window.minutes * 60_000;
    if (window.now.getTime() > closes) {
      throw conflict(
        'edit_window_closed',
        `a post can be edited for ${window.minutes} minutes after it was posted`,
      );
    }
    const content =
      body.content === undefined
        ? post.content
        : cleanText(body.content, 'content', { max: POST_CONTENT_MAX });
    if (content === '' && (post.quoted_post_id || !post.has_attachments)) {
      throw invalid(
        'content',
        post.quoted_post_id ? 'must not be empty' : 'must not be empty without media or a poll',
      );
    }
    const sentiment = body.sentiment === undefined ? post.sentiment : body.sentiment;
    if (content === post.content && sentiment === post.sentiment) return;
    await insertEdit(trx, {
      postId,
      content: post.content,
      sentiment: post.sentiment,
      tickers: post.tickers,
      editedAt: window.now,
    });
    await updatePostText(trx, postId, { content, sentiment, editedAt: window.now });
    await relinkTickers(trx, postId, post.created_at, post.tickers, extractTickers(content));
  });
  const [post] = await findPosts(db, [postId], user.id);
  return post!;
}

/** GET /posts/{id}/edits: the versions edits replaced, newest first. */
export async function listEdits(
  db: Db,
  postId: string,
  query: PageQuery,
  viewerId: string | null,
): Promise<PageResult<PostEdit>> {
  const page = keyset(query);
  // a suspended author's post: its history is theirs and the admins' to read, as the post is
  await requireLivePost(db, postId, { viewer: viewerId });
  const rows = await selectEdits(db, postId, page);
  return page.page(
    rows,
    (row) => ({ t: row.edited_at, id: row.id }),
    (row) => ({
      content: row.content,
      sentiment: row.sentiment,
      tickers: row.tickers,
      edited_at: row.edited_at.toISOString(),
    }),
  );
}
