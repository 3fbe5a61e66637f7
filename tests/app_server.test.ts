import { equal, notEqual } from "node:assert/strict";
import { AppServer, tempKv } from "@/tests/_app_server.ts";

const QUIET = new URL("./fixtures/quiet_server.ts", import.meta.url).pathname;

Deno.test("the app-server harness picks the port and waits for an HTTP answer, whatever the server prints", async () => {
  await using kv = await tempKv();
  await using server = await AppServer.start(kv.path, {}, undefined, QUIET);
  const port = Number(new URL(server.origin).port);
  notEqual(port, 0);
  notEqual(port, 8000);
  const response = await fetch(`${server.origin}/?sms=13800138000`);
  equal(await response.text(), "quiet");
  equal(await server.readSms("13800138000"), "123456");
});
