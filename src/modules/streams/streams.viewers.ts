/**
 * What each connected viewer's streams leave out, kept in memory (docs/streams.md "How events travel"):
 * whom they follow, whose posts they do not see (muted or blocked by them, or blocking them),
 * their watchlist, their muted tickers and whether they hold muted phrases. A new post is
 * judged for every stream against these, with no query; only a viewer with muted phrases
 * needs the database (the text search parser matches them), once per post for all of them.
 *
 * Loaded when a viewer's first stream opens and dropped with their last; read again when the
 * database announces a change (migration 0041), at that announcement's place in the order of
 * events, so a post that commits after a change is judged with it.
 */

export interface ViewerState {
  follows: ReadonlySet<string>;
  /** Authors the viewer's lists leave out: muted or blocked by the viewer, or blocking them. */
  hidden: ReadonlySet<string>;
  watchlist: ReadonlySet<string>;
  /** Muted tickers, with when each mute ends (epoch ms; null: never). */
  mutedSymbols: ReadonlyMap<string, number | null>;
  /** When each muted phrase or fragment ends (null: never). */
  mutedText: ReadonlyArray<number | null>;
}

const active = (until: number | null, now: number) => until === null || until > now;

/** Whether the viewer holds a muted phrase or fragment now (the database must judge the text). */
export function hasMutedText(state: ViewerState, now: number): boolean {
  return state.mutedText.some((until) => active(until, now));
}

/** How a stream's viewer is judged (streams.repository.ts MatchMode has the SQL rules). */
export type LiveMode = 'list' | 'watchlist' | 'feed';

export interface NewPost {
  authorId: string;
  tickers: readonly string[];
}

/**
 * Whether a viewer may see a new post on a stream of this mode, as the lists judge it
 * (core/visibility.ts postVisible; for the feed, a source of the following feed and
 * contentVisible): `words` when it depends on the viewer's muted phrases, which the database
 * decides. `ticker` is the ticker stream's own symbol, where a muted `$SYM` does not hide.
 */
export function judge(
  state: ViewerState,
  viewerId: string,
  mode: LiveMode,
  post: NewPost,
  now: number,
  ticker?: string,
): 'yes' | 'no' | 'words' {
  if (state.hidden.has(post.authorId)) return 'no';
  if (mode === 'feed' && post.authorId !== viewerId && !state.follows.has(post.authorId)) {
    return 'no';
  }
  if (mode === 'watchlist' && !post.tickers.some((symbol) => state.watchlist.has(symbol))) {
    return 'no';
  }
  for (const symbol of post.tickers) {
    if (symbol === ticker) continue;
    const until = state.mutedSymbols.get(symbol);
    if (until !== undefined && active(until, now)) return 'no';
  }
  return hasMutedText(state, now) ? 'words' : 'yes';
}

interface Entry {
  refs: number;
  state: ViewerState | undefined;
  /** Goes up each time a newer state is applied. */
  version: number;
  /** The newest load started, and the newest applied (a slow older load never wins). */
  started: number;
  applied: number;
  ready: Promise<void>;
}

export class ViewerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly load: (viewerId: string) => Promise<ViewerState>) {}

  get size(): number {
    return this.entries.size;
  }

  /** Holds the viewer's state while a stream of theirs is open; answers its release. */
  async acquire(viewerId: string): Promise<() => void> {
    let entry = this.entries.get(viewerId);
    if (!entry) {
      entry = { refs: 0, state: undefined, version: 0, started: 0, applied: 0, ready: undefined! };
      this.entries.set(viewerId, entry);
      entry.ready = this.reload(viewerId, entry);
    }
    entry.refs += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (entry.refs === 0 && this.entries.get(viewerId) === entry) this.entries.delete(viewerId);
    };
    try {
      await entry.ready;
    } catch (error) {
      release();
      // the next stream of this viewer tries again
      if (!entry.state && this.entries.get(viewerId) === entry) this.entries.delete(viewerId);
      throw error;
    }
    return release;
  }

  get(viewerId: string): ViewerState | undefined {
    return this.entries.get(viewerId)?.state;
  }

  version(viewerId: string): number {
    return this.entries.get(viewerId)?.version ?? -1;
  }

  /**
   * The database announced a change of the viewer: reads them again now, and answers the
   * promise of that read, to wait for at the announcement's place in the order (undefined
   * when the viewer has no stream here).
   */
  changed(viewerId: string): Promise<void> | undefined {
    const entry = this.entries.get(viewerId);
    if (!entry) return undefined;
    entry.ready = this.reload(viewerId, entry);
    return entry.ready;
  }

  private async reload(viewerId: string, entry: Entry): Promise<void> {
    const n = ++entry.started;
    const state = await this.load(viewerId);
    if (n > entry.applied) {
      entry.applied = n;
      entry.state = state;
      entry.version += 1;
    }
  }
}
