import { defineConfig } from "$fresh/server.ts";
import { configFromEnv } from "@/lib/app.ts";

const { port, hostname } = configFromEnv();

export default defineConfig({ server: { port, hostname } });
