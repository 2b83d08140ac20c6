import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Uuid } from '../../lib/schemas.js';

/** The short form of a user, shown beside everything they wrote (API.md "UserSummary"). */
export const UserSummary = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    display_name: Type.String(),
    profile_picture_url: Nullable(Type.String({ format: 'uri' })),
  },
  { $id: 'UserSummary', title: 'UserSummary' },
);
export type UserSummary = Static<typeof UserSummary>;
