// The shop's MySQL (or MariaDB) read directly: tb_users and tb_oauth_qq as Django's migrations made them,
// through mysql2 (npm). Times come as MySQL writes them (no offset: UTC when the shop ran with USE_TZ =
// True). The whole of both tables is read before anything is written, so a failure writes nothing.
import mysql from "mysql2/promise";
import {
  type QqRow,
  readQqRow,
  readUserRow,
  type ShopSource,
  type ShopUser,
  SourceError,
} from "./source.ts";

export interface MysqlTables {
  usersTable: string;
  qqTable: string;
}

export const DEFAULT_TABLES: MysqlTables = {
  usersTable: "tb_users",
  qqTable: "tb_oauth_qq",
};

const CONNECT_TIMEOUT_MS = 10_000;

/** The connection a `mysql://USER:PASS@HOST:PORT/DB` URL names; a SourceError when it names none. */
export function connectionOptions(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError(
      "--mysql is not a URL: mysql://USER:PASS@HOST:PORT/DB",
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!["mysql:", "mariadb:"].includes(parsed.protocol) || !database) {
    throw new SourceError(
      "--mysql names no database: mysql://USER:PASS@HOST:PORT/DB",
    );
  }
  return {
    host: decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, "")),
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** Both tables of the shop at `url`; a SourceError saying what failed (never the password). */
export async function readMysql(
  url: string,
  zone: string,
  tables: MysqlTables = DEFAULT_TABLES,
): Promise<ShopSource> {
  const options = connectionOptions(url);
  const usersTable = quoted(tables.usersTable, "--users-table");
  const qqTable = quoted(tables.qqTable, "--qq-table");
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      ...options,
      charset: "utf8mb4",
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Times as text, so that they are read in the zone the operator names and not the process's.
      dateStrings: true,
      supportBigNumbers: true,
    });
  } catch (error) {
    throw new SourceError(
      `cannot connect to ${options.host}:${options.port}/${options.database}: ${
        describe(error)
      }`,
    );
  }
  try {
    const [userRows] = await query(
      connection,
      `SELECT id, password, last_login, username, mobile, is_active, date_joined FROM ${usersTable} ORDER BY id`,
      tables.usersTable,
    );
    const [qqRows] = await query(
      connection,
      `SELECT id, user_id, openid, create_time, update_time FROM ${qqTable} ORDER BY id`,
      tables.qqTable,
    );
    const users: ShopUser[] = userRows.map((row) =>
      readUserRow(row, `${tables.usersTable} ${String(row.id)}`, zone)
    );
    const qq: QqRow[] = qqRows.map((row) =>
      readQqRow(row, `${tables.qqTable} ${String(row.id)}`, zone)
    );
    return { users, qqRows: qq };
  } finally {
    await connection.end().catch(() => {});
  }
}

async function query(
  connection: mysql.Connection,
  sql: string,
  table: string,
): Promise<[Record<string, unknown>[]]> {
  try {
    const [rows] = await connection.query(sql);
    return [rows as Record<string, unknown>[]];
  } catch (error) {
    throw new SourceError(`cannot read ${table}: ${describe(error)}`);
  }
}

/** A table name as SQL takes it; only plain names, so nothing else reaches the query. */
function quoted(table: string, flag: string): string {
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(table)) {
    throw new SourceError(`${flag} is not a table name`);
  }
  return `\`${table}\``;
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return [code, message].filter(Boolean).join(" ") || String(error);
}
