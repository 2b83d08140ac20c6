import type { Insertable } from 'kysely';
import type { Db } from '../../db/index.js';
import type { MediaTable } from '../../db/types.js';

const mediaColumns = [
  'media.id',
  'media.url',
  'media.content_type',
  'media.size',
  'media.width',
  'media.height',
] as const;

/** New media rows, owned by their uploader and attached to no post yet. */
export async function insertMedia(db: Db, rows: Insertable<MediaTable>[]) {
  return db
    .insertInto('media')
    .values(rows)
    .returning([...mediaColumns, 'media.path'])
    .execute();
}
