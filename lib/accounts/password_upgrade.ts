// An imported account's Django hash gives way to the app's bcrypt at its owner's first success: the form
// that checked the password writes the new hash in its own write (the login with its session, the bind
// with its binding), or, for a form that writes nothing of the user, in a write of its own that checks
// the user is as read. The password stays the same, so nothing that a password change ends is ended.
import type { App } from "@/lib/app/app.ts";
import { djangoAlgorithm } from "./django_hashes.ts";
import { MAX_PASSWORD_BYTES } from "./_libxcrypt.ts";
import { getUserEntry, rehashPasswordIn, type User } from "./users.ts";

/** The app's hash of a password that just matched a Django hash, and the hash it replaces. */
export interface PasswordUpgrade {
  /** The Django hash the password matched: replaced only while it is still the account's. */
  replaces: string;
  passwordHash: string;
}

/** Whether `user`'s hash is one that a success replaces. */
export function needsUpgrade(user: User): boolean {
  return djangoAlgorithm(user.passwordHash) !== null;
}

/** A password checked against an account's hash, with the hash that replaces the account's if it matched. */
export interface CheckedPassword {
  valid: boolean;
  /** The app's hash of the password, made beside the check (null when there is nothing to replace). */
  upgradedHash: string | null;
}

/**
 * Checks `password` against `user`'s hash. For a hash that a success replaces, the password's bcrypt is
 * made on another hashing thread at the same time, so that the first login takes one hash's time and
 * not two; on a mismatch it is dropped once made, so a wrong password takes as long as a right one.
 */
export async function checkPassword(
  app: Pick<App, "passwords">,
  user: User,
  password: string,
): Promise<CheckedPassword> {
  const upgrading = upgradedHash(app, user, password);
  const [valid, hash] = await Promise.all([
    app.passwords.verify(password, user.passwordHash),
    upgrading,
  ]);
  return { valid, upgradedHash: valid ? hash : null };
}

/**
 * After `password` matched `user`'s hash: its bcrypt (`madeAlready` when checkPassword made it). Null when
 * there is nothing to replace, or when bcrypt cannot take the password (over 72 bytes: the Django hash
 * stays, and keeps working). Nothing is read: the write that carries it reads and checks the user.
 */
export async function passwordUpgrade(
  app: Pick<App, "passwords">,
  user: User,
  password: string,
  madeAlready: string | null = null,
): Promise<PasswordUpgrade | null> {
  const passwordHash = madeAlready ?? await upgradedHash(app, user, password);
  return passwordHash ? { replaces: user.passwordHash, passwordHash } : null;
}

/** The app's hash of `password`, which just matched `user`'s hash, when that one is to be replaced. */
export async function upgradedHash(
  app: Pick<App, "passwords">,
  user: User,
  password: string,
): Promise<string | null> {
  if (
    !needsUpgrade(user) ||
    new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES
  ) return null;
  return await app.passwords.hash(password);
}

/**
 * Adds `upgrade` to `op` for the user read as `entry`, which `op` then checks. Nothing when the hash is no
 * longer the one the password matched (changed, or replaced by a first login racing this one).
 */
export function upgradeIn(
  op: Deno.AtomicOperation,
  upgrade: PasswordUpgrade,
  entry: Deno.KvEntryMaybe<User>,
): Deno.AtomicOperation {
  return entry.value?.passwordHash === upgrade.replaces
    ? rehashPasswordIn(op, entry as Deno.KvEntry<User>, upgrade.passwordHash)
    : op;
}

/**
 * For a form whose own write does not touch the user: replaces the hash in a write of its own. False when
 * the user changed meanwhile (then the next success tries again).
 */
export async function upgradePassword(
  app: Pick<App, "kv" | "passwords">,
  user: User,
  password: string,
): Promise<boolean> {
  const [upgrade, entry] = await Promise.all([
    passwordUpgrade(app, user, password),
    getUserEntry(app.kv, user.id),
  ]);
  if (!upgrade || entry.value?.passwordHash !== upgrade.replaces) return false;
  return (await upgradeIn(app.kv.atomic(), upgrade, entry).commit()).ok;
}
