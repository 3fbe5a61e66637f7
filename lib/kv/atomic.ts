// How often a KV write that lost a race is re-read and tried again.

/** How many times a write that lost a race to a concurrent one is re-read and tried again. */
export const ATOMIC_RETRIES = 5;

/**
 * The same for writes many requests make at once to one key (a counter). Each lost commit means another
 * request's commit landed, so with N in flight, N rounds always suffice.
 */
export const CONTENDED_RETRIES = 200;
