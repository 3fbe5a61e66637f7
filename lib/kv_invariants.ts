// What must hold between the KV's users, their indexes and the QQ bindings, whatever crashed or raced:
// each index points at a live record that points back. Read-only; the key names are the ones the
// layout tables of lib/users.ts and lib/bindings.ts write down.
import type { QqBinding } from "@/lib/social/bindings.ts";
import type { User } from "@/lib/accounts/users.ts";

export interface InvariantCounts {
  users: number;
  usersByMobile: number;
  usersByUsername: number;
  qqBindings: number;
  qqBindingsByUser: number;
}

export interface InvariantReport {
  ok: boolean;
  /** One line per broken rule, naming the keys involved. */
  problems: string[];
  counts: InvariantCounts;
}

/** Reads every user, index and binding in `kv` and lists what does not point where it should. */
export async function checkInvariants(kv: Deno.Kv): Promise<InvariantReport> {
  const users = await readAll<User>(kv, "users");
  const byMobile = await readAll<string>(kv, "users_by_mobile");
  const byUsername = await readAll<string>(kv, "users_by_username");
  const bindings = await readAll<QqBinding>(kv, "qq_bindings");
  const bindingsByUser = await readAll<string>(kv, "qq_bindings_by_user");
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

  for (const [openid, binding] of bindings) {
    if (!isBinding(binding)) {
      problems.push(`qq_bindings ${q(openid)} is not a binding record`);
      continue;
    }
    if (binding.openid !== openid) {
      problems.push(
        `qq_bindings ${q(openid)} holds the binding of openid ${
          q(binding.openid)
        }`,
      );
    }
    if (!users.has(binding.userId)) {
      problems.push(
        `qq_bindings ${q(openid)} points at missing user ${q(binding.userId)}`,
      );
    }
    const back = bindingsByUser.get(binding.userId);
    if (back !== openid) {
      problems.push(
        `qq_bindings ${q(openid)} is user ${q(binding.userId)}'s, but ${
          back === undefined
            ? "that user has no qq_bindings_by_user entry"
            : `that user's qq_bindings_by_user is ${q(back)}`
        }`,
      );
    }
  }

  for (const [userId, openid] of bindingsByUser) {
    const binding = bindings.get(openid);
    if (!binding) {
      problems.push(
        `qq_bindings_by_user ${q(userId)} points at missing binding ${
          q(openid)
        }`,
      );
    } else if (isBinding(binding) && binding.userId !== userId) {
      problems.push(
        `qq_bindings_by_user ${q(userId)} points at binding ${
          q(openid)
        }, which is user ${q(binding.userId)}'s`,
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
      qqBindings: bindings.size,
      qqBindingsByUser: bindingsByUser.size,
    },
  };
}

/** Every entry under `[prefix, id]`, by id; an entry with a deeper key belongs to no table and is skipped. */
async function readAll<T>(
  kv: Deno.Kv,
  prefix: string,
): Promise<Map<string, T>> {
  const entries = new Map<string, T>();
  for await (const entry of kv.list<T>({ prefix: [prefix] })) {
    if (entry.key.length === 2) entries.set(String(entry.key[1]), entry.value);
  }
  return entries;
}

function isUser(value: unknown): value is User {
  const user = value as Partial<User> | null;
  return typeof user?.id === "string" && typeof user.username === "string" &&
    typeof user.mobile === "string";
}

function isBinding(value: unknown): value is QqBinding {
  const binding = value as Partial<QqBinding> | null;
  return typeof binding?.openid === "string" &&
    typeof binding.userId === "string";
}

const q = (value: unknown) => JSON.stringify(value);
