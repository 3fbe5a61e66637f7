// What must hold between the KV's users, their indexes, the provider bindings and the sessions, whatever
// crashed or raced: each index points at a live record that points back. Read-only; the keys are the
// layout tables' of lib/accounts/users.ts, lib/social/bindings.ts and lib/sessions/sessions.ts, through
// their own key builders.
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
  /** One line per broken rule, naming the keys involved. */
  problems: string[];
  counts: InvariantCounts;
}

/** The table a key builder writes into: its key without the last `parts` parts. */
const tableOf = (key: Deno.KvKey, parts = 1) => key.slice(0, -parts);

/** Reads every user, index and binding in `kv` and lists what does not point where it should. */
export async function checkInvariants(kv: Deno.Kv): Promise<InvariantReport> {
  const byOne = <T>(rows: Row<T>[]) =>
    new Map(rows.map(({ parts: [part], value }) => [part, value]));
  const users = byOne(await readAll<User>(kv, tableOf(userKey(""))));
  const byMobile = byOne(await readAll<string>(kv, tableOf(mobileKey(""))));
  const byUsername = byOne(
    await readAll<string>(kv, tableOf(usernameKey(""))),
  );
  const bindings = await readAll<Binding>(
    kv,
    tableOf(bindingKey("", ""), 2),
    2,
  );
  const bindingsByUser = await readAll<string>(
    kv,
    tableOf(bindingByUserKey("", ""), 2),
    2,
  );
  const problems: string[] = [];

  for (const [id, user] of users) {
    if (!isUser(user)) {
      problems.push(`users ${q(id)} is not a user record`);
      users.delete(id);
    } else if (user.id !== id) {
      problems.push(`users ${q(id)} holds a user whose id is ${q(user.id)}`);
    }
  }

  const indexes = [
    ["users_by_mobile", byMobile, "mobile"],
    ["users_by_username", byUsername, "username"],
  ] as const;
  for (const [name, index, field] of indexes) {
    for (const [value, id] of index) {
      const user = users.get(id);
      if (!user) {
        problems.push(`${name} ${q(value)} points at missing user ${q(id)}`);
      } else if (user[field] !== value) {
        problems.push(
          `${name} ${q(value)} points at user ${q(id)} whose ${field} is ${
            q(user[field])
          }`,
        );
      }
    }
    for (const [id, user] of users) {
      const indexed = index.get(user[field]);
      if (indexed === undefined) {
        problems.push(`user ${q(id)} has no ${name} ${q(user[field])} entry`);
      } else if (indexed !== id) {
        problems.push(
          `user ${q(id)}'s ${name} ${q(user[field])} points at ${q(indexed)}`,
        );
      }
    }
  }

  const bindingAt = new Map(
    bindings.map(({ parts, value }) => [q(parts), value]),
  );
  const uidOf = new Map(
    bindingsByUser.map(({ parts, value }) => [q(parts), value]),
  );
  for (const { parts: [provider, uid], value: binding } of bindings) {
    const at = `bindings ${q([provider, uid])}`;
    if (!isBinding(binding)) {
      problems.push(`${at} is not a binding record`);
      continue;
    }
    if (binding.provider !== provider || binding.uid !== uid) {
      problems.push(
        `${at} holds the binding of ${q([binding.provider, binding.uid])}`,
      );
    }
    if (!users.has(binding.userId)) {
      problems.push(`${at} points at missing user ${q(binding.userId)}`);
    }
    const back = uidOf.get(q([binding.userId, provider]));
    if (back !== uid) {
      problems.push(
        `${at} is user ${q(binding.userId)}'s, but ${
          back === undefined
            ? `that user has no bindings_by_user ${q(provider)} entry`
            : `that user's bindings_by_user ${q(provider)} is ${q(back)}`
        }`,
      );
    }
  }

  for (const { parts: [userId, provider], value: uid } of bindingsByUser) {
    const at = `bindings_by_user ${q([userId, provider])}`;
    const binding = bindingAt.get(q([provider, uid]));
    if (!binding) {
      problems.push(`${at} points at missing binding ${q([provider, uid])}`);
    } else if (isBinding(binding) && binding.userId !== userId) {
      problems.push(
        `${at} points at binding ${q([provider, uid])}, which is user ${
          q(binding.userId)
        }'s`,
      );
    }
  }

  // Sessions: each belongs to a live user, and each of a user's index entries names a session of theirs.
  const sessions = new Map(
    (await readAll<Session>(kv, tableOf(sessionKey("")))).map((
      { parts, value },
    ) => [parts[0], value]),
  );
  for (const [hash, session] of sessions) {
    if (typeof session?.userId !== "string") {
      problems.push(`sessions ${q(hash)} is not a session record`);
    } else if (!users.has(session.userId)) {
      problems.push(
        `sessions ${q(hash)} belongs to missing user ${q(session.userId)}`,
      );
    }
  }
  const sessionIndex = await readAll<string>(
    kv,
    tableOf(sessionByUserKey("", ""), 2),
    2,
  );
  for (const { parts: [userId, publicId], value: hash } of sessionIndex) {
    const session = sessions.get(hash);
    if (session?.userId !== userId || session.publicId !== publicId) {
      problems.push(
        `sessions_by_user ${q([userId, publicId])} points at ${
          session ? "another session" : "missing session"
        } ${q(hash)}`,
      );
    }
  }

  // 0.1's rows are moved at start-up; one left is one that could not be, or a start-up that never ran.
  for (const legacy of [legacyQqBindingKey(""), legacyQqByUserKey("")]) {
    for (const { parts } of await readAll(kv, tableOf(legacy))) {
      problems.push(
        `${q([...tableOf(legacy), ...parts])} is 0.1's layout, not migrated`,
      );
    }
  }

  // 0.2's WeChat bindings keyed by a bare id: moved into a space at start-up, or left as they could not be.
  for (const { parts: [provider, uid] } of bindings) {
    if (provider === "wechat" && !isWechatUidSpaced(uid)) {
      problems.push(
        `${q(["bindings", provider, uid])} is 0.2's layout, not migrated`,
      );
    }
  }

  return {
    ok: problems.length === 0,
    problems,
    counts: {
      users: users.size,
      usersByMobile: byMobile.size,
      usersByUsername: byUsername.size,
      bindings: bindings.length,
      bindingsByUser: bindingsByUser.length,
      sessions: sessions.size,
    },
  };
}

interface Row<T> {
  /** The key's parts after the table's prefix, as text. */
  parts: string[];
  value: T;
}

/**
 * Every entry under `prefix` with exactly `depth` more key parts; an entry with another depth belongs to
 * no table and is skipped.
 */
async function readAll<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  depth = 1,
): Promise<Row<T>[]> {
  const rows: Row<T>[] = [];
  for await (const entry of kv.list<T>({ prefix })) {
    if (entry.key.length === prefix.length + depth) {
      rows.push({
        parts: entry.key.slice(prefix.length).map(String),
        value: entry.value,
      });
    }
  }
  return rows;
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
