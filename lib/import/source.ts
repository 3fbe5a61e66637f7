// What the import reads from a Django shop, whichever way it reads it (dumpdata.ts, mysql.ts): its
// users and its QQ rows, every field checked before anything is written. A source that cannot be read,
// or holds a row Django could not have written, is a SourceError: one line saying what and where, which
// names rows by their primary key and never quotes a password, mobile or openid.
import { parseShopTime } from "./_times.ts";

export { isTimeZone } from "./_times.ts";

/** A row of tb_users (Django's AbstractUser with the shop's mobile). */
export interface ShopUser {
  /** Django's primary key. */
  id: number;
  username: string;
  /** As the shop stored it: the planner skips one that is not a mobile number. */
  mobile: string | null;
  /** Django's encoded hash, kept as it is. */
  password: string;
  isActive: boolean;
  dateJoined: number;
  lastLogin: number | null;
}

/** A row of tb_oauth_qq: a QQ openid bound to a user. */
export interface QqRow {
  id: number;
  userId: number;
  openid: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShopSource {
  users: ShopUser[];
  qqRows: QqRow[];
}

export class SourceError extends Error {
  override name = "SourceError";
}

// Django's own limits: AbstractUser's username and password, the shop's openid column.
const USERNAME_MAX = 150;
const PASSWORD_MAX = 128;
const OPENID_MAX = 64;

/** The fields of one row, named as Django names them, with where the row is for messages. */
export type RawRow = Record<string, unknown>;

/** A user row, checked; `where` names it in an error ("users.user 17"). */
export function readUserRow(
  row: RawRow,
  where: string,
  zone: string,
): ShopUser {
  const field = fieldReader(row, where);
  const mobile = row.mobile === null ? null : field.text("mobile", 64);
  return {
    id: field.id("id"),
    username: field.text("username", USERNAME_MAX),
    mobile,
    password: field.text("password", PASSWORD_MAX, true),
    isActive: field.flag("is_active"),
    dateJoined: field.time("date_joined", zone),
    lastLogin: row.last_login === null ? null : field.time("last_login", zone),
  };
}

/** A QQ row, checked; its user is the id in `user_id` (or `user`, as dumpdata names it). */
export function readQqRow(row: RawRow, where: string, zone: string): QqRow {
  const field = fieldReader(row, where);
  return {
    id: field.id("id"),
    userId: field.id("user_id"),
    openid: field.text("openid", OPENID_MAX),
    createdAt: field.time("create_time", zone),
    updatedAt: field.time("update_time", zone),
  };
}

function fieldReader(row: RawRow, where: string) {
  const fail = (name: string, what: string): never => {
    throw new SourceError(`${where}: ${name} ${what}`);
  };
  const present = (name: string) => {
    if (!(name in row) || row[name] === undefined) fail(name, "is missing");
    return row[name];
  };
  return {
    id(name: string): number {
      const value = present(name);
      const id = typeof value === "string" && /^\d{1,15}$/.test(value)
        ? Number(value)
        : value;
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
        fail(name, "is not a primary key");
      }
      return id as number;
    },
    text(name: string, max: number, mayBeEmpty = false): string {
      const value = present(name);
      if (typeof value !== "string") return fail(name, "is not text");
      if (!mayBeEmpty && value.length === 0) fail(name, "is empty");
      if (value.length > max) fail(name, `is longer than ${max} characters`);
      return value;
    },
    flag(name: string): boolean {
      const value = present(name);
      // MySQL gives a BooleanField as TINYINT(1): 0 or 1.
      if (value === true || value === 1) return true;
      if (value === false || value === 0) return false;
      return fail(name, "is not true or false");
    },
    time(name: string, zone: string): number {
      const value = present(name);
      const at = typeof value === "string" ? parseShopTime(value, zone) : null;
      if (at === null) fail(name, "is not a date and time");
      return at as number;
    },
  };
}
