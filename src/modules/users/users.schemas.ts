import { type Static, Type } from 'typebox';
import { Post } from '../../core/posts.schemas.js';
import { UserSummary } from '../../core/users.js';
import { Nullable, Text, Timestamp, Uuid } from '../../lib/schemas.js';

/** How the viewer stands with a user; null when anonymous or looking at oneself. */
const ViewerRelation = Type.Object({
  following: Type.Boolean({ description: 'the viewer follows this user' }),
  followed_by: Type.Boolean({ description: 'this user follows the viewer' }),
  muted: Type.Boolean({ description: 'the viewer muted this user' }),
  blocked: Type.Boolean({ description: 'the viewer blocked this user' }),
});

const profileProperties = {
  ...UserSummary.properties,
  bio: Type.String(),
  country: Nullable(
    Type.String({ description: 'ISO 3166-1 alpha-2, from where the user onboarded' }),
  ),
  timezone: Type.String({ description: 'an IANA time zone, e.g. America/New_York' }),
  created_at: Timestamp,
  stats: Type.Object({
    followers: Type.Integer(),
    following: Type.Integer(),
    posts: Type.Integer(),
  }),
  viewer: Nullable(ViewerRelation),
  pinned_post: Nullable(Post),
};

export const UserProfile = Type.Object(profileProperties, {
  $id: 'UserProfile',
  title: 'UserProfile',
});
export type UserProfile = Static<typeof UserProfile>;

export const Me = Type.Object(
  {
    ...profileProperties,
    is_admin: Type.Boolean(),
    onboarded_at: Timestamp,
    interests: Type.Array(Type.String(), { description: 'ticker symbols, in alphabetical order' }),
  },
  { $id: 'Me', title: 'Me' },
);
export type Me = Static<typeof Me>;

export const MAX_INTERESTS = 20;

const Username = Type.String({
  minLength: 3,
  maxLength: 30,
  pattern: '^[A-Za-z0-9_]+$',
  description: '3-30 letters, digits or _; unique ignoring case',
});

/** One line: no control characters at all, not even a line feed or a tab. */
const DisplayName = Type.String({
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001F\\u007F]*$',
  description: '1-50 characters after trimming, on one line',
});

const Bio = Text({ maxLength: 640, description: '0-160 characters after trimming' });

const Timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'an IANA time zone name, e.g. America/New_York',
});

const Interests = Type.Array(Type.String({ maxLength: 16 }), {
  maxItems: MAX_INTERESTS,
  description: `up to ${MAX_INTERESTS} ticker symbols (AAPL, $TSLA, brk.b)`,
});

export const OnboardingBody = Type.Object(
  {
    username: Username,
    display_name: Type.Optional(DisplayName),
    bio: Type.Optional(Bio),
    timezone: Timezone,
    interests: Type.Optional(Interests),
  },
  { additionalProperties: false },
);
export type OnboardingBody = Static<typeof OnboardingBody>;

export const UpdateMeBody = Type.Object(
  {
    username: Type.Optional(Username),
    display_name: Type.Optional(DisplayName),
    bio: Type.Optional(Bio),
    timezone: Type.Optional(Timezone),
    interests: Type.Optional(Interests),
  },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const UsernameParams = Type.Object({ username: Username });

export const PinPostBody = Type.Object({ post_id: Uuid }, { additionalProperties: false });
export type PinPostBody = Static<typeof PinPostBody>;
