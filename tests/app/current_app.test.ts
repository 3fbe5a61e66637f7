// The process's app is made on first use; a start that failed is tried again by the next request.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("an app whose KV could not be opened is made again on the next use, not failed for good", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Its own process: the app is one per process, made from the environment.
    const script = `
      import { currentApp } from "@/lib/app/app.ts";
      const first = await currentApp().then(() => "opened", () => "failed");
      await Deno.mkdir(${JSON.stringify(`${dir}/later`)});
      const second = await currentApp().then(() => "opened", () => "failed");
      console.log(first, second);
      Deno.exit(0);
    `;
    const { stdout, stderr, success } = await new Deno.Command(
      Deno.execPath(),
      {
        args: ["eval", script],
        cwd: ROOT.pathname,
        env: {
          DENO_KV_PATH: `${dir}/later/app.kv`,
          SECRET_KEY: "test-current-app-secret-0123456789abcdef",
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      },
    ).output();
    assert.ok(success, new TextDecoder().decode(stderr));
    assert.equal(new TextDecoder().decode(stdout).trim(), "failed opened");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
