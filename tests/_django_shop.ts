// The Django-made shop of tests/fixtures/django_shop/: its customers as people.json describes them (with
// their passwords) and as Django exported them (dumpdata.json, hashes and all).

const FIXTURES = new URL("./fixtures/django_shop/", import.meta.url);
export const DUMPDATA_PATH = new URL("dumpdata.json", FIXTURES).pathname;
export const SHOP_DIR = FIXTURES.pathname;

export interface ShopPerson {
  username: string;
  mobile: string;
  password: string;
  hasher: string;
  is_active?: boolean;
  date_joined: string;
  last_login?: string;
  qq?: { openid: string; create_time: string; update_time: string }[];
}

export const PEOPLE: ShopPerson[] = JSON.parse(
  await Deno.readTextFile(new URL("people.json", FIXTURES)),
).people;

export const DUMPDATA_TEXT = await Deno.readTextFile(DUMPDATA_PATH);

interface DumpedObject {
  model: string;
  pk: number;
  fields: Record<string, unknown>;
}
export const DUMPED: DumpedObject[] = JSON.parse(DUMPDATA_TEXT);

export function person(username: string): ShopPerson {
  const found = PEOPLE.find((p) => p.username === username);
  if (!found) throw new Error(`no ${username} in people.json`);
  return found;
}

/** The password hash Django stored for `username`. */
export function djangoHashOf(username: string): string {
  const row = DUMPED.find((o) =>
    o.model === "users.user" && o.fields.username === username
  );
  if (!row) throw new Error(`no ${username} in dumpdata.json`);
  return row.fields.password as string;
}

/** The people who log in with their old password: one of each hasher, active, with a good mobile. */
export const ONE_OF_EACH_HASHER = [
  "li36000",
  "wang260k",
  "zhao1200k",
  "qian_sha1",
  "sun_bcrypt_sha256",
  "zhou_bcrypt",
  "wu_argon2",
  "郑小明",
].map(person);
