// `deno task serve`: `deno serve --parallel serve.ts`, listening where PORT and HOSTNAME say, as
// `deno task preview` does (deno serve itself reads only its --port and --host flags).
import { checkedConfig } from "@/lib/app.ts";

const { port, hostname } = checkedConfig(Deno.env.toObject());
const server = new Deno.Command(Deno.execPath(), {
  args: [
    "serve",
    "--parallel",
    "-A",
    `--port=${port}`,
    `--host=${hostname}`,
    new URL("../serve.ts", import.meta.url).pathname,
  ],
}).spawn();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => server.kill(signal));
}
Deno.exit((await server.status).code);
