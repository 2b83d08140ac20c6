import { type Static, Type } from 'typebox';
import { Uuid } from '../../lib/schemas.js';

/** An uploaded image, as `POST /media/upload` answers it (a post shows it as core's PostMedia). */
export const Media = Type.Object(
  {
    id: Uuid,
    url: Type.String({ format: 'uri' }),
    content_type: Type.String({ description: 'image/jpeg, image/png, image/webp or image/gif' }),
    size: Type.Integer({ description: 'bytes, as stored (after re-encoding)' }),
    width: Type.Integer(),
    height: Type.Integer(),
  },
  { $id: 'Media', title: 'Media' },
);
export type Media = Static<typeof Media>;

export const MediaUploadResponse = Type.Object({
  items: Type.Array(Media, { description: 'in the order the files were sent' }),
});
export type MediaUploadResponse = Static<typeof MediaUploadResponse>;
