import { ensureNoBlock, requireLivePost } from '../../core/access.js';
import { deletePostAs } from '../../core/content.js';
import type { PageQuery } from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { findPosts } from '../../core/posts.view.js';
import { userExists } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import { isPgError } from '../../lib/pg-errors.js';
import { cleanText } from '../../lib/text.js';
import { extractTickers, normalizeSymbol } from '../../lib/tickers.js';
import type { CurrentUser } from '../../plugins/auth.js';
import { attachMedia, insertPoll, insertPost, linkTickers } from './posts.repository.js';
import { cleanPollOptions } from './posts.rules.js';
import { type NewPost, POST_CONTENT_MAX, type PostsQuery } from './posts.schemas.js';

export interface PostInput extends NewPost {
  /** Set for a quote (POST /posts/{id}/reposts with `quote`). */
  quotedPostId?: string;
}

/**
 * Creates a post with its tickers, media and poll in one transaction, and answers it as a
 * Post. Content rules (docs/rules.md "Posts"): 0-1000 characters after trimming, empty only
 * with media or a poll.
 */
export async function createPost(db: Db, authorId: string, input: PostInput): Promise<Post> {
  const content = cleanText(input.content, input.quotedPostId ? 'quote' : 'content', {
    max: POST_CONTENT_MAX,
  });
  const mediaIds = input.media_ids ?? [];
  const options = input.poll ? cleanPollOptions(input.poll.options) : undefined;
  if (content === '' && mediaIds.length === 0 && !options) {
    throw input.quotedPostId
      ? invalid('quote', 'must not be empty')
      : invalid('content', 'must not be empty without media or a poll');
  }
  const symbols = extractTickers(content);

  const id = await db.transaction().execute(async (trx) => {
    const post = await insertPost(trx, {
      authorId,
      content,
      sentiment: input.sentiment ?? null,
      quotedPostId: input.quotedPostId ?? null,
    });
    await linkTickers(trx, post.id, post.created_at, symbols);
    if ((await attachMedia(trx, post.id, authorId, mediaIds)) !== mediaIds.length) {
      throw invalid('media_ids', 'must be your own uploads, not attached to another post');
    }
    if (input.poll && options) {
      try {
        await insertPoll(trx, post.id, post.created_at, options, input.poll.duration_days ?? 1);
      } catch (error) {
        // the database's lower() may fold letters JavaScript's toLowerCase() keeps apart
        if (isPgError(error, '23505', 'poll_options_text_key')) {
          throw invalid('poll.options', 'must be distinct, ignoring case');
        }
        throw error;
      }
    }
    return post.id;
  });
  const [post] = await findPosts(db, [id], authorId);
  return post!;
}

/** A quote: a new post quoting a live post whose author has no block with the quoter. */
export async function createQuote(
  db: Db,
  userId: string,
  postId: string,
  input: { quote: string; sentiment?: NewPost['sentiment'] },
): Promise<Post> {
  const quoted = await requireLivePost(db, postId);
  await ensureNoBlock(db, userId, quoted.author_id);
  return createPost(db, userId, {
    content: input.quote,
    sentiment: input.sentiment ?? null,
    quotedPostId: quoted.id,
  });
}

export async function getPost(db: Db, postId: string, viewerId: string | null): Promise<Post> {
  const [post] = await findPosts(db, [postId], viewerId);
  if (!post) throw notFound('post');
  return post;
}

/** Soft delete by the author or an admin (core/content.ts). */
export async function deletePost(db: Db, postId: string, user: CurrentUser): Promise<void> {
  await deletePostAs(db, postId, user);
}

export async function listAllPosts(db: Db, query: PostsQuery, viewerId: string | null) {
  let ticker: string | undefined;
  if (query.ticker !== undefined) {
    ticker = normalizeSymbol(query.ticker);
    if (!ticker) throw invalid('ticker', 'is not a ticker symbol');
  }
  return listPosts(
    db,
    { viewerId, ticker, authorId: query.author_id, sentiment: query.sentiment },
    query,
  );
}

/** A user's page: a mute changes nothing there, a block hides the posts. */
export async function listUserPosts(
  db: Db,
  userId: string,
  query: PageQuery,
  viewerId: string | null,
) {
  if (!(await userExists(db, userId))) throw notFound('user');
  return listPosts(db, { viewerId, authorId: userId, hide: 'blocks' }, query);
}
