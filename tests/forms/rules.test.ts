// The form rules the islands and the server share.
import { deepEqual, equal } from "node:assert/strict";
import {
  checkAccountForm,
  fieldError,
  hasForbiddenCharacters,
  passwordSchema,
} from "@/lib/forms/rules.ts";
import { messages } from "@/lib/messages.ts";

Deno.test("a password is 8 to 20 printable ASCII characters without spaces: letters, digits and symbols", async (t) => {
  await t.step("taken", () => {
    for (
      const password of [
        "secret123", // the seed's rule still holds
        "Passw0rd!",
        "~!@#$%^&*()_+{}|:<>?",
        "a-b_c.d/e\\f'g\"h`",
        "12345678",
      ]
    ) equal(fieldError(passwordSchema, password), null, password);
  });
  await t.step("refused with 请输入8-20位的密码", () => {
    for (
      const password of [
        "short1!",
        "x".repeat(21),
        "pass word1",
        "password\t1",
        "密码password1",
        "pässword1",
        "",
      ]
    ) {
      equal(
        fieldError(passwordSchema, password),
        messages.invalidPassword,
        password,
      );
    }
  });
  await t.step("the characters it refuses are named beside it", () => {
    equal(hasForbiddenCharacters("pass word1"), true);
    equal(hasForbiddenCharacters("密码password1"), true);
    equal(hasForbiddenCharacters("Passw0rd!"), false);
  });
});

Deno.test("each field left empty says so, beside the form's 缺少必传参数", () => {
  deepEqual(checkAccountForm({ mobile: "13800138000" }), {
    ok: false,
    field: "form",
    message: messages.missingFields,
    fieldErrors: {
      password: messages.passwordMissing,
      sms_code: messages.smsCodeMissing,
    },
  });
  deepEqual(checkAccountForm({}), {
    ok: false,
    field: "form",
    message: messages.missingFields,
    fieldErrors: {
      mobile: messages.mobileMissing,
      password: messages.passwordMissing,
      sms_code: messages.smsCodeMissing,
    },
  });
});
