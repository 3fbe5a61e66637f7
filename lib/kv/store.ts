// What a feature needs to keep data: the store and the clock its times come from (tests pass their own).
export interface Store {
  kv: Deno.Kv;
  /** Milliseconds since the epoch. */
  now: () => number;
}
