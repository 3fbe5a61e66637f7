import { equal, notEqual, throws } from "node:assert/strict";
import { givePseudonymKey, pseudonym } from "@/lib/kv/pseudonyms.ts";
import { retryingWhenLocked } from "@/lib/kv/shared_kv.ts";

Deno.test("a pseudonym stands for one value under one SECRET_KEY, and for nothing without it", async (t) => {
  using kv = await Deno.openKv(":memory:");
  using other = await Deno.openKv(":memory:");

  await t.step(
    "a store given no key refuses rather than keep a value in full",
    () => {
      throws(() => pseudonym(kv, "mobile", "13800138000"), /no pseudonym key/);
    },
  );
  givePseudonymKey(kv, "first-secret-key-of-32-characters-at-least");
  givePseudonymKey(other, "other-secret-key-of-32-characters-at-least");

  await t.step(
    "the same value, the same pseudonym; it holds nothing of the value",
    () => {
      const once = pseudonym(kv, "mobile", "13800138000");
      equal(once, pseudonym(kv, "mobile", "13800138000"));
      equal(once.length, 32);
      notEqual(once, pseudonym(kv, "mobile", "13800138001"));
    },
  );
  await t.step(
    "each kind in its own space, each key its own pseudonyms",
    () => {
      notEqual(
        pseudonym(kv, "mobile", "13800138000"),
        pseudonym(kv, "login", "13800138000"),
      );
      notEqual(
        pseudonym(kv, "mobile", "13800138000"),
        pseudonym(other, "mobile", "13800138000"),
      );
    },
  );
  await t.step("a wrapper of the store (the retrying one) has its key", () => {
    equal(
      pseudonym(retryingWhenLocked(kv), "address", "203.0.113.7"),
      pseudonym(kv, "address", "203.0.113.7"),
    );
  });
});
