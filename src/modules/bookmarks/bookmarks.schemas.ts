import { Type } from 'typebox';
import { PageQuery } from '../../lib/schemas.js';

export const BookmarkState = Type.Object({
  bookmarked: Type.Boolean({ description: 'whether the post is in your bookmarks now' }),
});

export const BookmarksQuery = Type.Object({ ...PageQuery });
