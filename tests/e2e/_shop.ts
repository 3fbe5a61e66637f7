// The real server on a KV file that already holds the shop's customers, as a shop in use would.
import { createPasswordHasher } from "@/lib/accounts/passwords.ts";
import { createUserIn, newUser } from "@/lib/accounts/users.ts";
import type { QqIdentity } from "@/lib/social/providers/qq/simulator.ts";
import { bindIn } from "@/lib/social/bindings.ts";
import { consentedIn } from "@/tests/_app.ts";
import { AppServer, tempKv } from "@/tests/_app_server.ts";

export interface Customer {
  mobile: string;
  password: string;
  /** The QQ already bound to the account. */
  qq?: QqIdentity;
  /** False: an account from before consents were kept, asked for one at its next page. */
  consented?: boolean;
}

/** Starts the app with `customers` registered (bcrypt cost 4, as the test server uses). */
export async function startShop(customers: Customer[]): Promise<AppServer> {
  const kv = await tempKv();
  try {
    await register(kv.path, customers);
    // These stories send several codes from one address; the image code asked before them is a story of its own.
    return await AppServer.start(
      kv.path,
      { SMS_CAPTCHA: "off" },
      () => kv[Symbol.asyncDispose](),
    );
  } catch (error) {
    await kv[Symbol.asyncDispose]();
    throw error;
  }
}

async function register(path: string, customers: Customer[]) {
  const store = await Deno.openKv(path);
  const passwords = createPasswordHasher(4, 0);
  try {
    for (const { mobile, password, qq, consented = true } of customers) {
      const user = newUser(mobile, await passwords.hash(password), Date.now());
      const op = createUserIn(store.atomic(), user);
      if (consented) consentedIn(op, user.id);
      if (qq) {
        bindIn(op, {
          provider: "qq",
          uid: qq.openid,
          userId: user.id,
          nickname: qq.nickname,
          createdAt: Date.now(),
        });
      }
      if (!(await op.commit()).ok) throw new Error(`${mobile} is there twice`);
    }
  } finally {
    passwords.close();
    store.close();
  }
}
