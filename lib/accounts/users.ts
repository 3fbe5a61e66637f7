// Shop accounts: a username and a mobile, each unique, and a bcrypt password hash (or, until its owner's
// first login, the Django hash an account imported from the old shop brought: lib/import/).
//
// | key                               | value                |
// | --------------------------------- | -------------------- |
// | ["users", id]                     | User                 |
// | ["users_by_username", username]   | id                   |
// | ["users_by_mobile", mobile]       | id                   |

export interface User {
  id: string;
  username: string;
  mobile: string;
  passwordHash: string;
  createdAt: number;
  /** Set by an operator (`deno task admin disable`): no login, bind, connect or code while set. */
  disabledAt?: number;
  /** The last login the old shop knew of, for an imported account that had one. */
  lastLoginAt?: number;
  /** The account was moved over from the Django shop, where it had this primary key. */
  importedFrom?: { system: "django"; id: number };
  /**
   * Which password the account's sessions were proven with: bumped in the same write as a new password
   * (a change or a reset, `setPasswordIn`), and carried by every session, which ends once it is behind.
   * A new hash of the same password (a Django hash replaced by bcrypt at its first login) is not a new
   * credential and must not bump it, or that login would end the sessions it is making. Absent: 0.
   */
  credentialVersion?: number;
  /** How the account came to be; absent on accounts made before it was kept. */
  createdVia?: AccountOrigin;
}

/** The register form, the bind form, the SMS login's sign-up, or `deno task import:django`. */
export type AccountOrigin = "register" | "bind" | "sms_login" | "import";

export const userKey = (id: string) => ["users", id];
export const usernameKey = (username: string) => [
  "users_by_username",
  username,
];
export const mobileKey = (mobile: string) => ["users_by_mobile", mobile];

/** The user's credential version (0 for an account that never changed its password). */
export function credentialVersionOf(user: Pick<User, "credentialVersion">) {
  return user.credentialVersion ?? 0;
}

export async function getUser(kv: Deno.Kv, id: string): Promise<User | null> {
  return (await kv.get<User>(userKey(id))).value;
}

/** The user with `mobile`, with the entries a write that relies on it must check; `user` null when none. */
export async function findUserByMobile(kv: Deno.Kv, mobile: string) {
  const index = await kv.get<string>(mobileKey(mobile));
  const user = index.value === null
    ? null
    : await kv.get<User>(userKey(index.value));
  return {
    user: user?.value ?? null,
    /** The user's own entry, for a write that changes it. */
    entry: user?.value ? user as Deno.KvEntry<User> : null,
    checks: user ? [index, user] : [index],
  } as const;
}

/**
 * As `findUserByMobile`, but with the same two reads whether or not the mobile has an account, for a
 * form that must not tell by its timing (an SMS login before its code is checked).
 */
export async function findUserByMobileAlike(kv: Deno.Kv, mobile: string) {
  const index = await kv.get<string>(mobileKey(mobile));
  // A key no user has, read when there is none: as long a trip as the user's.
  const user = await kv.get<User>(userKey(index.value ?? "-"));
  return {
    user: index.value === null ? null : user.value,
    checks: index.value === null ? [index] : [index, user],
  } as const;
}

/** The user whose username, or failing that mobile, is `login`. */
export async function findUserByLogin(
  kv: Deno.Kv,
  login: string,
): Promise<User | null> {
  const [byUsername, byMobile] = await kv.getMany<[string, string]>([
    usernameKey(login),
    mobileKey(login),
  ]);
  const id = byUsername.value ?? byMobile.value;
  return id === null ? null : await getUser(kv, id);
}

/** A new account for `mobile`; its username is the mobile, as the shop has always done. */
export function newUser(
  mobile: string,
  passwordHash: string,
  now: number,
  createdVia?: AccountOrigin,
): User {
  return {
    id: crypto.randomUUID(),
    username: mobile,
    mobile,
    passwordHash,
    createdAt: now,
    ...createdVia && { createdVia },
  };
}

/**
 * Adds the creation of `user` to `op`, which then fails if its username or mobile was taken meanwhile.
 * `idChecked`: `op` already holds a check that no user can have this id (the import's, on the ledger
 * entry its ids are made from), so a commit holds as many users as Deno KV's 100 checks allow.
 */
export function createUserIn(
  op: Deno.AtomicOperation,
  user: User,
  { idChecked = false } = {},
): Deno.AtomicOperation {
  if (!idChecked) op.check({ key: userKey(user.id), versionstamp: null });
  return op
    .check({ key: usernameKey(user.username), versionstamp: null })
    .check({ key: mobileKey(user.mobile), versionstamp: null })
    .set(userKey(user.id), user)
    .set(usernameKey(user.username), user.id)
    .set(mobileKey(user.mobile), user.id);
}

/** The user `id` with its entry, for a write that must fail if the user changed since it was read. */
export async function getUserEntry(
  kv: Deno.Kv,
  id: string,
): Promise<Deno.KvEntryMaybe<User>> {
  return await kv.get<User>(userKey(id));
}

/**
 * The user read as `entry` with a new password: its hash, and the credential version after it, which
 * ends every session proven with the old one.
 */
export function withNewPassword(
  entry: Deno.KvEntry<User>,
  passwordHash: string,
): User {
  return {
    ...entry.value,
    passwordHash,
    credentialVersion: credentialVersionOf(entry.value) + 1,
  };
}

/** Adds a new password for the user read as `entry` to `op`: `withNewPassword`, if the user is unchanged. */
export function setPasswordIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<User>,
  passwordHash: string,
): Deno.AtomicOperation {
  return op.check(entry).set(entry.key, withNewPassword(entry, passwordHash));
}

/**
 * Adds the replacement of the user's hash by `passwordHash` for the same password (an imported Django hash
 * by the app's bcrypt) to `op`. Unlike a new password it changes nothing else: no session ends for it.
 */
export function rehashPasswordIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<User>,
  passwordHash: string,
): Deno.AtomicOperation {
  return op.check(entry).set(entry.key, { ...entry.value, passwordHash });
}

/** The user once moved to `mobile`: the username moves too when it was the old mobile. */
export function withMobile(user: User, mobile: string): User {
  return {
    ...user,
    mobile,
    username: user.username === user.mobile ? mobile : user.username,
  };
}

/**
 * Adds the move of the user read as `entry` to `mobile` to `op`: the record and its index move together,
 * and the username too when it was the old mobile (freeing the old mobile for someone else). The write
 * fails if the new mobile (or username) was taken meanwhile.
 */
export function changeMobileIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<User>,
  mobile: string,
): Deno.AtomicOperation {
  const user = entry.value;
  const moved = withMobile(user, mobile);
  op.check(entry)
    .check({ key: mobileKey(mobile), versionstamp: null })
    .delete(mobileKey(user.mobile))
    .set(mobileKey(mobile), user.id);
  if (moved.username !== user.username) {
    op.check({ key: usernameKey(moved.username), versionstamp: null })
      .delete(usernameKey(user.username))
      .set(usernameKey(moved.username), user.id);
  }
  return op.set(entry.key, moved);
}

/** Adds the deletion of the user read as `entry` and its indexes to `op`. */
export function deleteUserIn(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<User>,
): Deno.AtomicOperation {
  return op.check(entry)
    .delete(entry.key)
    .delete(usernameKey(entry.value.username))
    .delete(mobileKey(entry.value.mobile));
}
