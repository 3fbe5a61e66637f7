// What must hold between the KV's users, their indexes, the provider bindings and the sessions, whatever
// crashed or raced: each index points at a live record that points back. Read-only; the keys are the
// layout tables' of lib/accounts/users.ts, lib/social/bindings.ts and lib/sessions/sessions.ts, through
// their own key builders.
//
// A store of a million accounts holds some nine million rows: each table is read once, in windows of a
// thousand rows, and what a row must point at is read by key for that window only, so memory stays
// the same whatever the store's size (deno task kv:check prints its peak).
import {
  mobileKey,
  type User,
  userKey,
  usernameKey,
} from "@/lib/accounts/users.ts";
import {
  type Binding,
  bindingByUserKey,
  bindingKey,
} from "@/lib/social/bindings.ts";
import {
  byUserKey as sessionByUserKey,
  type Session,
  sessionKey,
} from "@/lib/sessions/sessions.ts";
import {
  isWechatUidSpaced,
  legacyQqBindingKey,
  legacyQqByUserKey,
} from "@/lib/social/migrations.ts";

export interface InvariantCounts {
  users: number;
  usersByMobile: number;
  usersByUsername: number;
  bindings: number;
  bindingsByUser: number;
  sessions: number;
}

export interface InvariantReport {
  ok: boolean;
  /** One line per broken rule, naming the keys involved (the first MAX_LISTED of them). */
  problems: string[];
  /** How many more problems there were than are listed. */
  more?: number;
  counts: InvariantCounts;
}

/** A store broken everywhere would otherwise list a line per row: the count says the rest. */
export const MAX_LISTED = 1000;
/** Rows read, and checked, at a time. */
const WINDOW = 1000;
/** Deno KV's most keys in one getMany. */
const GET_MANY_LIMIT = 10;

export interface CheckOptions {
  /** Called as rows are read, with how many so far. */
  onProgress?: (rows: number) => void;
}

/** The table a key builder writes into: its key without the last `parts` parts. */
const tableOf = (key: Deno.KvKey, parts = 1) => key.slice(0, -parts);

/** Reads every user, index, binding and session in `kv` and lists what does not point where it should. */
export async function checkInvariants(
  kv: Deno.Kv,
  { onProgress }: CheckOptions = {},
): Promise<InvariantReport> {
  const problems: string[] = [];
  let found = 0;
  const problem = (line: string) => {
    if (found++ < MAX_LISTED) problems.push(line);
  };
  let read = 0;
  const rows = <T>(prefix: Deno.KvKey, depth = 1) =>
    windowsOf<T>(kv, prefix, depth, (count) => onProgress?.(read += count));
  const counts: InvariantCounts = {
    users: 0,
    usersByMobile: 0,
    usersByUsername: 0,
    bindings: 0,
    bindingsByUser: 0,
    sessions: 0,
  };
  /** The user at `id`, when it is one (a record that is not one counts as missing). */
  const userAt = (value: unknown) => isUser(value) ? value : null;

  for await (const window of rows<User>(tableOf(userKey("")))) {
    const valid = window.flatMap(({ parts: [id], value: user }) => {
      if (!isUser(user)) {
        problem(`users ${q(id)} is not a user record`);
        return [];
      }
      if (user.id !== id) {
        problem(`users ${q(id)} holds a user whose id is ${q(user.id)}`);
      }
      return [{ id, user }];
    });
    counts.users += valid.length;
    const indexed = await valuesAt<string>(
      kv,
      valid.flatMap(({ user }) => [
        mobileKey(user.mobile),
        usernameKey(user.username),
      ]),
    );
    valid.forEach(({ id, user }, i) => {
      const indexes = [
        ["users_by_mobile", "mobile", indexed[2 * i]],
        ["users_by_username", "username", indexed[2 * i + 1]],
      ] as const;
      for (const [name, field, at] of indexes) {
        if (at === null) {
          problem(`user ${q(id)} has no ${name} ${q(user[field])} entry`);
        } else if (at !== id) {
          problem(
            `user ${q(id)}'s ${name} ${q(user[field])} points at ${q(at)}`,
          );
        }
      }
    });
  }

  const indexes = [
    [mobileKey(""), "usersByMobile", "mobile"],
    [usernameKey(""), "usersByUsername", "username"],
  ] as const;
  for (const [key, count, field] of indexes) {
    const name = String(key[0]);
    for await (const window of rows<string>(tableOf(key))) {
      counts[count] += window.length;
      const users = await valuesAt(
        kv,
        window.map(({ value: id }) =>
          typeof id === "string" ? userKey(id) : null
        ),
      );
      window.forEach(({ parts: [value], value: id }, i) => {
        const user = userAt(users[i]);
        if (!user) {
          problem(`${name} ${q(value)} points at missing user ${q(id)}`);
        } else if (user[field] !== value) {
          problem(
            `${name} ${q(value)} points at user ${q(id)} whose ${field} is ${
              q(user[field])
            }`,
          );
        }
      });
    }
  }

  for await (
    const window of rows<Binding>(tableOf(bindingKey("", ""), 2), 2)
  ) {
    counts.bindings += window.length;
    const valid = window.filter(({ parts, value }) => {
      if (isBinding(value)) return true;
      problem(`bindings ${q(parts)} is not a binding record`);
      return false;
    });
    const pointed = await valuesAt(
      kv,
      valid.flatMap(({ parts: [provider], value: binding }) => [
        userKey(binding.userId),
        bindingByUserKey(binding.userId, provider),
      ]),
    );
    valid.forEach(({ parts: [provider, uid], value: binding }, i) => {
      const at = `bindings ${q([provider, uid])}`;
      // 0.2's WeChat bindings keyed by a bare id: moved into a space at start-up, or left as they could not be.
      if (provider === "wechat" && !isWechatUidSpaced(uid)) {
        problem(
          `${q(["bindings", provider, uid])} is 0.2's layout, not migrated`,
        );
      }
      if (binding.provider !== provider || binding.uid !== uid) {
        problem(
          `${at} holds the binding of ${q([binding.provider, binding.uid])}`,
        );
      }
      if (!userAt(pointed[2 * i])) {
        problem(`${at} points at missing user ${q(binding.userId)}`);
      }
      const back = pointed[2 * i + 1];
      if (back !== uid) {
        problem(
          `${at} is user ${q(binding.userId)}'s, but ${
            back === null
              ? `that user has no bindings_by_user ${q(provider)} entry`
              : `that user's bindings_by_user ${q(provider)} is ${q(back)}`
          }`,
        );
      }
    });
  }

  for await (
    const window of rows<string>(tableOf(bindingByUserKey("", ""), 2), 2)
  ) {
    counts.bindingsByUser += window.length;
    const bindings = await valuesAt(
      kv,
      window.map(({ parts: [, provider], value: uid }) =>
        typeof uid === "string" ? bindingKey(provider, uid) : null
      ),
    );
    window.forEach(({ parts: [userId, provider], value: uid }, i) => {
      const at = `bindings_by_user ${q([userId, provider])}`;
      const binding = bindings[i];
      if (binding === null) {
        problem(`${at} points at missing binding ${q([provider, uid])}`);
      } else if (isBinding(binding) && binding.userId !== userId) {
        problem(
          `${at} points at binding ${q([provider, uid])}, which is user ${
            q(binding.userId)
          }'s`,
        );
      }
    });
  }

  // Sessions: each belongs to a live user, and each of a user's index entries names a session of theirs.
  for await (const window of rows<Session>(tableOf(sessionKey("")))) {
    counts.sessions += window.length;
    const users = await valuesAt(
      kv,
      window.map(({ value: session }) =>
        typeof session?.userId === "string" ? userKey(session.userId) : null
      ),
    );
    window.forEach(({ parts: [hash], value: session }, i) => {
      if (typeof session?.userId !== "string") {
        problem(`sessions ${q(hash)} is not a session record`);
      } else if (!userAt(users[i])) {
        problem(
          `sessions ${q(hash)} belongs to missing user ${q(session.userId)}`,
        );
      }
    });
  }
  for await (
    const window of rows<string>(tableOf(sessionByUserKey("", ""), 2), 2)
  ) {
    const sessions = await valuesAt<Partial<Session>>(
      kv,
      window.map(({ value: hash }) =>
        typeof hash === "string" ? sessionKey(hash) : null
      ),
    );
    window.forEach(({ parts: [userId, publicId], value: hash }, i) => {
      const session = sessions[i];
      if (session?.userId !== userId || session.publicId !== publicId) {
        problem(
          `sessions_by_user ${q([userId, publicId])} points at ${
            session ? "another session" : "missing session"
          } ${q(hash)}`,
        );
      }
    });
  }

  // 0.1's rows are moved at start-up; one left is one that could not be, or a start-up that never ran.
  for (const legacy of [legacyQqBindingKey(""), legacyQqByUserKey("")]) {
    for await (const window of rows(tableOf(legacy))) {
      for (const { parts } of window) {
        problem(
          `${q([...tableOf(legacy), ...parts])} is 0.1's layout, not migrated`,
        );
      }
    }
  }

  return {
    ok: found === 0,
    problems,
    ...found > problems.length && { more: found - problems.length },
    counts,
  };
}

interface Row<T> {
  /** The key's parts after the table's prefix, as text. */
  parts: string[];
  value: T;
}

/**
 * The entries under `prefix` with exactly `depth` more key parts, a window of them at a time; an entry
 * with another depth belongs to no table and is skipped.
 */
async function* windowsOf<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  depth: number,
  onRead: (count: number) => void,
): AsyncGenerator<Row<T>[]> {
  let window: Row<T>[] = [];
  for await (const entry of kv.list<T>({ prefix }, { batchSize: WINDOW })) {
    if (entry.key.length === prefix.length + depth) {
      window.push({
        parts: entry.key.slice(prefix.length).map(String),
        value: entry.value,
      });
    }
    if (window.length === WINDOW) {
      onRead(window.length);
      yield window;
      window = [];
    }
  }
  if (window.length > 0) {
    onRead(window.length);
    yield window;
  }
}

/** The value at each key (null where there is none, or no key), read ten keys a call, all calls at once. */
async function valuesAt<T = unknown>(
  kv: Deno.Kv,
  keys: (Deno.KvKey | null)[],
): Promise<(T | null)[]> {
  const present = keys.flatMap((key, i) => key ? [{ key, i }] : []);
  const values: (T | null)[] = keys.map(() => null);
  const calls = [];
  for (let start = 0; start < present.length; start += GET_MANY_LIMIT) {
    const batch = present.slice(start, start + GET_MANY_LIMIT);
    calls.push(
      kv.getMany<T[]>(batch.map(({ key }) => key)).then((entries) =>
        entries.forEach((entry, j) => values[batch[j].i] = entry.value)
      ),
    );
  }
  await Promise.all(calls);
  return values;
}

function isUser(value: unknown): value is User {
  const user = value as Partial<User> | null;
  return typeof user?.id === "string" && typeof user.username === "string" &&
    typeof user.mobile === "string";
}

function isBinding(value: unknown): value is Binding {
  const binding = value as Partial<Binding> | null;
  return typeof binding?.provider === "string" &&
    typeof binding.uid === "string" && typeof binding.userId === "string";
}

const q = (value: unknown) => JSON.stringify(value);
