// Scheduled work (the newsletter's cron ticks, WebSub retries and lease expiry, source fetches)
// runs on one instance at a time: the one that holds the leadership. The embedded store has one
// instance, always the leader; with PostgreSQL it is the instance holding an advisory lock.
export interface Leadership {
  /** True while this instance is the one that runs scheduled work. */
  holds(): boolean;
  /** Lets go of it (at a graceful stop), so another instance takes over at once. */
  release(): Promise<void>;
}

export const soleInstance: Leadership = { holds: () => true, release: async () => undefined };
