/** What tells the time: `() => new Date()` in the service, a movable clock in tests. */
export type Clock = () => Date;
