import {
  decodeRankedCursor,
  encodeRankedCursor,
  keyset,
  type PageResult,
} from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { postListJson } from '../../core/posts.view.js';
import { type Db, withoutJit } from '../../db/index.js';
import { JsonText } from '../../lib/json-text.js';
import { cleanText } from '../../lib/text.js';
import { parsePostSearch, SEARCH_QUERY_MAX } from './post-search.parser.js';
import {
  RELEVANCE_CANDIDATES,
  rankedPostRowsQuery,
  searchMatch,
} from './post-search.repository.js';
import type { PostSearchQuery } from './post-search.schemas.js';

/**
 * GET /search/posts: full-text search of live posts (posts.search_vector, 0022), with the
 * operators of post-search.parser.ts. `recent` is core's list of posts with the search as one
 * more condition (keyset on (created_at, id), the viewer's mutes and blocks left out as in
 * every list); `relevance` ranks by ts_rank (post-search.repository.ts) and pages with a
 * cursor holding the rank. One statement a page, answered as JSON text (core/posts.view.ts).
 */
export async function searchPosts(
  db: Db,
  query: PostSearchQuery,
  viewerId: string | null,
): Promise<JsonText<PageResult<Post>>> {
  const q = cleanText(query.q, 'q', { min: 1, max: SEARCH_QUERY_MAX });
  const search = parsePostSearch(q);
  if (query.sort === 'recent') {
    return listPosts(db, { viewerId, match: searchMatch(search) }, query);
  }
  const cursor = query.cursor === undefined ? undefined : decodeRankedCursor(query.cursor);
  const page = keyset({ limit: query.limit });
  // its estimate can pass jit_above_cost; the JIT compile cost 30 times the query (db/index.ts)
  const rows = await withoutJit(db, (trx) =>
    rankedPostRowsQuery(trx, { search, viewerId, page, cursor }).execute(),
  );
  const hasMore = rows.length > query.limit;
  const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
  const last = pageRows.at(-1);
  let next: string | null = null;
  if (hasMore && last) {
    const bound =
      cursor !== undefined
        ? cursor.bound
        : last.candidates >= RELEVANCE_CANDIDATES
          ? { t: last.bound_t, id: last.bound_id }
          : null;
    next = encodeRankedCursor({ rank: last.rank_text, t: last.created_at, id: last.id, bound });
  }
  const cursorText = next === null ? 'null' : `"${next}"`;
  return new JsonText(`{"items":${postListJson(pageRows)},"next_cursor":${cursorText}}`);
}
