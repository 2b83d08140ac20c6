import type {
  ColumnType,
  Generated,
  GeneratedAlways,
  Insertable,
  Selectable,
  Updateable,
} from 'kysely';

/**
 * Table types for Kysely, kept by hand beside the migrations (tests/db/schema.test.ts checks
 * that every table and column here exists in the migrated database, and the other way round).
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Counter = ColumnType<number, number | undefined, number>;

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  bio: Generated<string>;
  profile_picture_url: string | null;
  profile_picture_path: string | null;
  country: string | null;
  timezone: string;
  ip_hash: string | null;
  is_admin: Generated<boolean>;
  /** an admin by token claim or ADMIN_USER_IDS until then (0062; set by the auth hook) */
  admin_until: Timestamp | null;
  followers_count: Counter;
  following_count: Counter;
  posts_count: Counter;
  onboarded_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_active_at: Timestamp | null;
  pinned_post_id: string | null;
  /** notification types the user turned off */
  notifications_off: ColumnType<
    NotificationType[],
    NotificationType[] | undefined,
    NotificationType[]
  >;
  /** a suspension (0014): set while it stands; until null = until lifted */
  suspended_at: Timestamp | null;
  suspended_until: Timestamp | null;
  suspension_reason: string | null;
  suspended_by: string | null;
  last_export_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
}

export interface PostsTable {
  id: Generated<string>;
  author_id: string;
  content: string;
  sentiment: 'bullish' | 'bearish' | null;
  quoted_post_id: string | null;
  reactions_count: Counter;
  comments_count: Counter;
  reposts_count: Counter;
  quotes_count: Counter;
  edited_at: Timestamp | null;
  edit_count: Counter;
  /** the author is suspended: not live, like a deleted post, until lifted (0014) */
  author_suspended: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
  /** to_tsvector of the content plus exact `$ticker` and `@user` tokens (0022); never written */
  search_vector: GeneratedAlways<string>;
  /** Place in the live streams' commit order (0040), set by a trigger at commit. */
  stream_seq: ColumnType<number | null, never, never>;
}

/** A version of a post that an edit replaced (0013). */
export interface PostEditsTable {
  id: Generated<string>;
  post_id: string;
  content: string;
  sentiment: 'bullish' | 'bearish' | null;
  tickers: string[];
  edited_at: Timestamp;
}

/** A word, phrase or ticker a user muted (0013): exactly one of symbol, query, fragment. */
export interface MutedWordsTable {
  id: Generated<string>;
  user_id: string;
  word: string;
  symbol: string | null;
  query: string | null;
  fragment: string | null;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
}

/** One moderation action (0014), written in the action's transaction. */
export interface AuditLogTable {
  id: Generated<string>;
  actor_id: string;
  action: AuditAction;
  target_type: 'user' | 'post' | 'comment' | 'report';
  target_id: string;
  reason: string | null;
  created_at: CreatedAt;
}

export type AuditAction =
  | 'suspend'
  | 'unsuspend'
  | 'delete_post'
  | 'delete_comment'
  | 'resolve_report'
  | 'dismiss_report';

export interface CommentsTable {
  id: Generated<string>;
  post_id: string;
  parent_id: string | null;
  author_id: string;
  content: string;
  reactions_count: Counter;
  replies_count: Counter;
  author_suspended: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
}

export interface TickersTable {
  symbol: string;
  name: string | null;
  post_count: Counter;
  created_at: CreatedAt;
}

export interface PostTickersTable {
  post_id: string;
  symbol: string;
  position: number;
  created_at: Timestamp;
}

export interface ReactionsTable {
  id: Generated<string>;
  user_id: string;
  post_id: string | null;
  comment_id: string | null;
  type: Generated<'like'>;
  created_at: CreatedAt;
}

export interface RepostsTable {
  id: Generated<string>;
  user_id: string;
  post_id: string;
  created_at: CreatedAt;
  /** Place in the live streams' commit order (0040), set by a trigger at commit. */
  stream_seq: ColumnType<number | null, never, never>;
}

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: CreatedAt;
}

/** A candidate of a user's following feed (0060): a post (entry_id = post_id) or a plain repost. */
export interface HomeTimelineTable {
  user_id: string;
  t: Date;
  entry_id: string;
  post_id: string;
  /** the post's author, or the reposter */
  source_id: string;
}

/** A built timeline, complete from (floor_t, floor_id) on; null: complete (0060). */
export interface HomeTimelineStateTable {
  user_id: string;
  floor_t: Date | null;
  floor_id: string | null;
  built_at: Generated<Date>;
}

/** An author merged at read time rather than fanned out (0060). */
export interface TimelinePullAuthorsTable {
  user_id: string;
  since: Generated<Date>;
}

/** Work for the timelines: a new post, a new repost, or a timeline to build (0060). */
export interface TimelineOutboxTable {
  id: Generated<string>;
  post_id: string | null;
  repost_id: string | null;
  user_id: string | null;
  created_at: Generated<Date>;
}

/**
 * Pending changes of a post's counters, appended when another transaction held the post's row
 * (0061); fold_counter_deltas() moves them into posts. Read them through core/counters.ts.
 */
export interface PostCounterDeltasTable {
  post_id: string;
  reactions: Generated<number>;
  comments: Generated<number>;
  reposts: Generated<number>;
  quotes: Generated<number>;
}

/** Pending changes of a user's posts_count, as post_counter_deltas (0061). */
export interface UserCounterDeltasTable {
  user_id: string;
  posts: Generated<number>;
}

export interface BookmarksTable {
  user_id: string;
  post_id: string;
  created_at: CreatedAt;
}

export interface PollsTable {
  id: Generated<string>;
  post_id: string;
  expires_at: Timestamp;
  total_votes: Counter;
  created_at: CreatedAt;
}

export interface PollOptionsTable {
  id: Generated<string>;
  poll_id: string;
  position: number;
  text: string;
  votes_count: Counter;
}

export interface PollVotesTable {
  poll_id: string;
  user_id: string;
  option_id: string;
  created_at: CreatedAt;
}

export interface ContentFiltersTable {
  user_id: string;
  target_id: string;
  type: 'mute' | 'block';
  created_at: CreatedAt;
}

export type ReportReason =
  | 'spam'
  | 'harassment'
  | 'hate'
  | 'misinformation'
  | 'scam'
  | 'impersonation'
  | 'other';

export interface ReportsTable {
  id: Generated<string>;
  reporter_id: string;
  target_type: 'post' | 'comment' | 'user';
  target_id: string;
  reason: ReportReason;
  details: string | null;
  status: Generated<'open' | 'resolved' | 'dismissed'>;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserInterestsTable {
  user_id: string;
  symbol: string;
  created_at: CreatedAt;
}

export interface WatchlistItemsTable {
  user_id: string;
  symbol: string;
  created_at: CreatedAt;
}

export interface MediaTable {
  id: Generated<string>;
  owner_id: string;
  post_id: string | null;
  position: number | null;
  bucket: string;
  path: string;
  url: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  created_at: CreatedAt;
}

export interface ErrorLogsTable {
  id: Generated<string>;
  level: 'fatal' | 'error' | 'warning' | 'info';
  source: 'backend' | 'frontend' | 'mobile';
  message: string;
  stack: string | null;
  url: string | null;
  user_agent: string | null;
  context: ColumnType<unknown, string | null, string | null> | null;
  user_id: string | null;
  request_id: string | null;
  resolved: Generated<boolean>;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  created_at: CreatedAt;
}

export interface UserSessionsTable {
  id: Generated<string>;
  user_id: string;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  request_count: Counter;
}

export type NotificationType =
  | 'follow'
  | 'like'
  | 'comment'
  | 'reply'
  | 'repost'
  | 'quote'
  | 'mention';

/** Written by the triggers of 0012 only; the API reads them and sets read_at. */
export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  actor_id: string;
  type: NotificationType;
  post_id: string | null;
  comment_id: string | null;
  source_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Place in the live streams' commit order (0040), set by a trigger at commit. */
  stream_seq: ColumnType<number | null, never, never>;
}

export interface ViewRefreshesTable {
  view_name: string;
  refreshed_at: Timestamp;
  duration_ms: number;
}

export interface PostStatsView {
  post_id: string;
  reactions: number;
  comments: number;
  reposts: number;
  quotes: number;
}

export interface TrendingTickersView {
  period: '1h' | '24h' | '7d';
  symbol: string;
  mentions: number;
  rank: number;
  /** mean mentions per window of the same length over the 7 days before the window (0021) */
  baseline: number;
  /** mentions ÷ max(baseline, 1), 2 decimals */
  velocity: number;
  velocity_rank: number;
}

/** Live posts per ticker and UTC hour ('1h') or day ('1d'), kept by triggers (0020). */
export interface TickerSentimentTable {
  symbol: string;
  bucket: '1h' | '1d';
  t: Timestamp;
  posts: number;
  bullish: number;
  bearish: number;
  authors: number;
}

export interface TickerSentimentAuthorsTable {
  symbol: string;
  bucket: '1h' | '1d';
  t: Timestamp;
  author_id: string;
  posts: number;
}

export interface DailyMetricsView {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  new_users: number;
  total_users: number;
}

export interface EngagementMetricsView {
  day: string;
  posts: number;
  comments: number;
  reactions: number;
  reposts: number;
  bookmarks: number;
  poll_votes: number;
  creators: number;
}

export interface DB {
  users: UsersTable;
  posts: PostsTable;
  post_edits: PostEditsTable;
  muted_words: MutedWordsTable;
  comments: CommentsTable;
  tickers: TickersTable;
  post_tickers: PostTickersTable;
  reactions: ReactionsTable;
  reposts: RepostsTable;
  follows: FollowsTable;
  home_timeline: HomeTimelineTable;
  home_timeline_state: HomeTimelineStateTable;
  timeline_pull_authors: TimelinePullAuthorsTable;
  timeline_outbox: TimelineOutboxTable;
  post_counter_deltas: PostCounterDeltasTable;
  user_counter_deltas: UserCounterDeltasTable;
  bookmarks: BookmarksTable;
  polls: PollsTable;
  poll_options: PollOptionsTable;
  poll_votes: PollVotesTable;
  content_filters: ContentFiltersTable;
  reports: ReportsTable;
  user_interests: UserInterestsTable;
  watchlist_items: WatchlistItemsTable;
  media: MediaTable;
  error_logs: ErrorLogsTable;
  user_sessions: UserSessionsTable;
  notifications: NotificationsTable;
  audit_log: AuditLogTable;
  view_refreshes: ViewRefreshesTable;
  ticker_sentiment: TickerSentimentTable;
  ticker_sentiment_authors: TickerSentimentAuthorsTable;
  post_stats: PostStatsView;
  trending_tickers: TrendingTickersView;
  daily_metrics: DailyMetricsView;
  engagement_metrics: EngagementMetricsView;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Post = Selectable<PostsTable>;
export type Comment = Selectable<CommentsTable>;
export type Media = Selectable<MediaTable>;
export type Report = Selectable<ReportsTable>;
export type ErrorLog = Selectable<ErrorLogsTable>;
