/**
 * How often consumer group views reload while the page is visible; answers
 * that stay the same stretch it (see `usePolling`).
 */
export const CONSUMER_GROUP_REFRESH_MS = 30_000;
