// Slows password guessing: after too many failures for one account, or from one address, within a
// 15-minute window, further attempts are refused until the window passes.
//
// | key                                            | value  | expires |
// | ---------------------------------------------- | ------ | ------- |
// | ["login_failures_by_account", login, window]   | count  | 15 min  |
// | ["login_failures_by_client", address, window]  | count  | 15 min  |
import { ATOMIC_RETRIES } from "./_kv.ts";

const WINDOW_MS = 15 * 60 * 1000;
export const FAILURES_PER_ACCOUNT = 10;
export const FAILURES_PER_CLIENT = 100;

const keysFor = (
  login: string,
  address: string,
  now: number,
): [Deno.KvKey, Deno.KvKey] => {
  const window = Math.floor(now / WINDOW_MS);
  return [["login_failures_by_account", login, window], [
    "login_failures_by_client",
    address,
    window,
  ]];
};

export async function isLoginThrottled(
  kv: Deno.Kv,
  login: string,
  address: string,
  now: number,
): Promise<boolean> {
  const [account, client] = await kv.getMany<[number, number]>(
    keysFor(login, address, now),
  );
  return (account.value ?? 0) >= FAILURES_PER_ACCOUNT ||
    (client.value ?? 0) >= FAILURES_PER_CLIENT;
}

export async function recordLoginFailure(
  kv: Deno.Kv,
  login: string,
  address: string,
  now: number,
): Promise<void> {
  const keys = keysFor(login, address, now);
  for (let attempt = 0; attempt < ATOMIC_RETRIES; attempt++) {
    const entries = await kv.getMany<[number, number]>(keys);
    const op = kv.atomic().check(...entries);
    for (const entry of entries) {
      op.set(entry.key, (entry.value ?? 0) + 1, { expireIn: WINDOW_MS });
    }
    if ((await op.commit()).ok) return;
  }
}
