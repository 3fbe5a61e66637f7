// A crowd of customers for the tests that need many: each with a Django 1.11 password and a QQ binding.
import type { ShopSource } from "@/lib/import/source.ts";
import { djangoHashOf } from "@/tests/_django_shop.ts";

/** `count` customers, each with a QQ binding. */
export function crowdSource(count: number): ShopSource {
  const source: ShopSource = { users: [], qqRows: [] };
  for (let n = 1; n <= count; n++) {
    source.users.push({
      id: n,
      username: `crowd${n}`,
      mobile: `15${String(n).padStart(9, "0")}`,
      password: djangoHashOf("li36000"),
      isActive: true,
      dateJoined: Date.UTC(2019, 5, 1) + n * 60_000,
      lastLogin: null,
    });
    source.qqRows.push({
      id: n,
      userId: n,
      openid: n.toString(16).toUpperCase().padStart(32, "0"),
      createdAt: Date.UTC(2019, 5, 1),
      updatedAt: Date.UTC(2019, 5, 1),
    });
  }
  return source;
}
