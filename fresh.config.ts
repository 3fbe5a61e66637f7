import { defineConfig } from "$fresh/server.ts";
import { configFromEnv, listeningOn } from "@/lib/app/app.ts";

const { port, hostname } = configFromEnv();

export default defineConfig({
  server: {
    port,
    hostname,
    // Where the server listens is the app's origin when PUBLIC_ORIGIN is unset (PORT=0 picks it here).
    onListen: (address: Deno.NetAddr) => {
      console.log(`Listening on ${listeningOn(address)}/`);
    },
  },
});
