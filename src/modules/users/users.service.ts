import type { Post } from '../../core/posts.schemas.js';
import { findPosts } from '../../core/posts.view.js';
import { findAccount } from '../../core/users.js';
import { blockExists } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';
import type { UserUpdate } from '../../db/types.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import {
  findProfile,
  insertUser,
  type ProfileRow,
  type ProfileTarget,
  pinPost,
  replaceInterests,
  updateUser,
  usernameTaken,
} from './users.repository.js';
import {
  checkTimezone,
  checkUsername,
  cleanBio,
  cleanDisplayName,
  cleanInterests,
} from './users.rules.js';
import type { Me, OnboardingBody, UpdateMeBody, UserProfile } from './users.schemas.js';

function toProfile(row: ProfileRow, viewerId: string | null, pinned: Post | null): UserProfile {
  return {
    id: row.id,
    username: row.username,
    display_name: row.display_name,
    profile_picture_url: row.profile_picture_url,
    bio: row.bio,
    country: row.country,
    timezone: row.timezone,
    created_at: row.created_at.toISOString(),
    stats: {
      followers: row.followers_count,
      following: row.following_count,
      posts: row.posts_count,
    },
    viewer:
      viewerId && viewerId !== row.id
        ? {
            following: row.v_following,
            followed_by: row.v_followed_by,
            muted: row.v_muted,
            blocked: row.v_blocked,
          }
        : null,
    pinned_post: pinned,
  };
}

/**
 * The pinned post as the viewer sees it; null when none, when it is no longer shown, or when a
 * block stands between the viewer and the author (as on the author's list of posts).
 */
async function pinnedPost(db: Db, row: ProfileRow, viewerId: string | null): Promise<Post | null> {
  if (!row.pinned_post_id) return null;
  if (viewerId && viewerId !== row.id && (await blockExists(db, viewerId, row.id))) return null;
  const [post] = await findPosts(db, [row.pinned_post_id], viewerId);
  return post ?? null;
}

/** A profile as anyone sees it; 404 for an unknown or deleted user. */
export async function getProfile(
  db: Db,
  target: ProfileTarget,
  viewerId: string | null,
): Promise<UserProfile> {
  const row = await findProfile(db, target, viewerId);
  if (!row) throw notFound('user');
  return toProfile(row, viewerId, await pinnedPost(db, row, viewerId));
}

/**
 * The caller's own profile. `isAdmin` comes from the auth hook, which also counts
 * ADMIN_USER_IDS and the token's app_metadata.role.
 */
export async function getMe(db: Db, userId: string, isAdmin: boolean): Promise<Me> {
  const row = await findProfile(db, { id: userId }, userId, { interests: true });
  if (!row) throw notFound('user');
  return {
    ...toProfile(row, userId, await pinnedPost(db, row, userId)),
    is_admin: isAdmin || row.is_admin,
    onboarded_at: row.onboarded_at.toISOString(),
    interests: row.interests ?? [],
  };
}

const usernameTakenError = () => conflict('username_taken', 'this username is taken');

export interface OnboardingInput {
  userId: string;
  isAdmin: boolean;
  body: OnboardingBody;
  /** HMAC of the client's address (never the address itself) */
  ipHash: string | null;
  country: string | null;
}

/**
 * Creates the caller's profile. The checks before the insert give the usual answers early;
 * under a race, the primary key (already_onboarded) and the unique index on lower(username)
 * (username_taken) decide, and lib/pg-errors turns their violations into those 409s.
 */
export async function onboard(db: Db, input: OnboardingInput): Promise<Me> {
  const { userId, body } = input;
  const username = checkUsername(body.username);
  const displayName = cleanDisplayName(body.display_name ?? username);
  const bio = cleanBio(body.bio ?? '');
  const timezone = checkTimezone(body.timezone);
  const interests = cleanInterests(body.interests ?? []);

  if (await findAccount(db, userId)) {
    throw conflict('already_onboarded', 'this account already has a profile');
  }
  if (await usernameTaken(db, username)) throw usernameTakenError();

  await db.transaction().execute(async (trx) => {
    await insertUser(trx, {
      id: userId,
      username,
      display_name: displayName,
      bio,
      timezone,
      country: input.country,
      ip_hash: input.ipHash,
    });
    await replaceInterests(trx, userId, interests);
  });
  return getMe(db, userId, input.isAdmin);
}

/** Changes the fields that were sent; interests, when sent, replace the whole list. */
export async function updateMe(
  db: Db,
  userId: string,
  isAdmin: boolean,
  body: UpdateMeBody,
): Promise<Me> {
  const patch: UserUpdate = {};
  if (body.username !== undefined) patch.username = checkUsername(body.username);
  if (body.display_name !== undefined) patch.display_name = cleanDisplayName(body.display_name);
  if (body.bio !== undefined) patch.bio = cleanBio(body.bio);
  if (body.timezone !== undefined) patch.timezone = checkTimezone(body.timezone);
  const interests = body.interests !== undefined ? cleanInterests(body.interests) : undefined;

  if (patch.username !== undefined && (await usernameTaken(db, patch.username, userId))) {
    throw usernameTakenError();
  }
  if (Object.keys(patch).length > 0 || interests !== undefined) {
    await db.transaction().execute(async (trx) => {
      if (Object.keys(patch).length > 0) await updateUser(trx, userId, patch);
      if (interests !== undefined) await replaceInterests(trx, userId, interests);
    });
  }
  return getMe(db, userId, isAdmin);
}

/** PUT /users/me/pinned-post (post_id) and DELETE (null): one of one's own live posts. */
export async function setPinnedPost(
  db: Db,
  userId: string,
  isAdmin: boolean,
  postId: string | null,
): Promise<Me> {
  if (!(await pinPost(db, userId, postId))) {
    throw invalid('post_id', 'must be one of your own posts that is not deleted');
  }
  return getMe(db, userId, isAdmin);
}
