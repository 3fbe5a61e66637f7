import { deepEqual, equal, ok } from "node:assert/strict";
import { deleteAccount } from "@/lib/accounts/deletion.ts";
import { findUserByMobile } from "@/lib/accounts/users.ts";
import { checkInvariants } from "@/lib/app/invariants.ts";
import { bindAccount } from "@/lib/social/bind.ts";
import { pendingBindFor } from "@/tests/_pending_bind.ts";
import { findBindingsOfUser } from "@/lib/social/bindings.ts";
import { PROVIDERS } from "@/lib/social/registry.ts";
import { listKv, testApp } from "@/tests/_app.ts";
import { uidOf } from "@/tests/_identities.ts";
import { CLIENT, PASSWORD, smsCode, userWith } from "./_accounts.ts";

Deno.test("a deletion racing a bind of the same account leaves no binding behind", async () => {
  const app = await testApp();
  const outcomes: string[] = [];
  for (let trial = 0; trial < 8; trial++) {
    for (const provider of PROVIDERS) {
      const mobile = `1380000${trial}${
        String(PROVIDERS.indexOf(provider)).padStart(3, "0")
      }`;
      const user = await userWith(app, mobile);
      const deletion = await smsCode(app, mobile, "delete_account");
      const signup = await smsCode(app, mobile, "signup");
      const pending = await pendingBindFor(
        app,
        provider.id,
        uidOf(provider.id, `UID${trial}${mobile}`),
      );
      const access_token = pending.token;
      const [deleted, bound] = await Promise.all([
        deleteAccount(
          app,
          user,
          { password: PASSWORD, sms_code: deletion },
          CLIENT,
        ),
        bindAccount(app, provider, pending.request, {
          mobile,
          password: PASSWORD,
          sms_code: signup,
          allow: "on",
          access_token,
        }, CLIENT),
      ]);
      ok(deleted.ok, JSON.stringify(deleted));
      outcomes.push(
        bound.ok
          ? (bound.created ? "bound a new account" : "bound, then deleted")
          : "bind refused",
      );
      deepEqual(
        await findBindingsOfUser(app.kv, user.id),
        new Map(),
        "nothing of the deleted user",
      );
      const now = await findUserByMobile(app.kv, mobile);
      if (bound.ok && bound.created) equal(now.user?.id, bound.user.id);
      else equal(now.user, null);
    }
  }
  console.log(
    `a delete racing a bind: ${
      JSON.stringify(
        outcomes.reduce<Record<string, number>>(
          (t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }),
          {},
        ),
      )
    }`,
  );
  deepEqual((await checkInvariants(app.kv)).problems, []);
  deepEqual(await listKv(app.kv, ["sessions"]), []);
  app.close();
});

/** `kv` whose next write deleting `key` first lets `meanwhile` run: a racer landing between read and commit. */
function landingBefore(
  kv: Deno.Kv,
  key: Deno.KvKey,
  meanwhile: () => Promise<unknown>,
): Deno.Kv {
  let pending: (() => Promise<unknown>) | null = meanwhile;
  return new Proxy(kv, {
    get(target, name) {
      if (name === "atomic") {
        return () => {
          const op = target.atomic();
          let deletes = false;
          const remove = op.delete.bind(op);
          op.delete = (deleted: Deno.KvKey) => {
            deletes ||= JSON.stringify(deleted) === JSON.stringify(key);
            return remove(deleted);
          };
          const commit = op.commit.bind(op);
          op.commit = async () => {
            if (deletes && pending) {
              const racer = pending;
              pending = null;
              await racer();
            }
            return commit();
          };
          return op;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("a bind that lands between a deletion's read and its write is deleted with the account", async () => {
  const app = await testApp();
  const provider = PROVIDERS[0];
  const mobile = "13800138000";
  const user = await userWith(app, mobile);
  const deletion = await smsCode(app, mobile, "delete_account");
  const signup = await smsCode(app, mobile, "signup");
  const pending = await pendingBindFor(
    app,
    provider.id,
    uidOf(provider.id, "UID-RACER"),
  );
  const access_token = pending.token;
  let bound: Awaited<ReturnType<typeof bindAccount>> | undefined;
  const racing = {
    ...app,
    kv: landingBefore(app.kv, ["users", user.id], async () => {
      bound = await bindAccount(app, provider, pending.request, {
        mobile,
        password: PASSWORD,
        sms_code: signup,
        allow: "on",
        access_token,
      }, CLIENT);
    }),
  };
  const deleted = await deleteAccount(racing, user, {
    password: PASSWORD,
    sms_code: deletion,
  }, CLIENT);
  ok(bound?.ok && !bound.created, "the bind landed first, on the account");
  ok(deleted.ok, JSON.stringify(deleted));
  deepEqual(await findBindingsOfUser(app.kv, user.id), new Map());
  deepEqual(await listKv(app.kv, ["bindings"]), []);
  deepEqual((await checkInvariants(app.kv)).problems, []);
  app.close();
});
