// What gzipping or brotli-ing a page costs the thread that does it: `deno run -A bench/compression_cost.ts
// [/path]` renders the page (default /register) in the built app, then compresses its bytes thousands
// of times each way, reading this thread's CPU time from /proc. A diagnostic, not part of `deno task
// bench`; it chose how lib/fresh/compression.ts gzips pages.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildApp, copyApp } from "./_app_copy.ts";
import { startApp } from "./_server.ts";
import { wireGet } from "./_wire.ts";

const path = Deno.args[0] ?? "/register";
const RUNS = 3000;

const appDir = await copyApp();
let page: Uint8Array<ArrayBuffer>;
try {
  await buildApp(appDir);
  await using app = await startApp(appDir, 4);
  page = (await wireGet(app.origin + path)).body;
} finally {
  await Deno.remove(appDir, { recursive: true });
}

const ways: Record<string, () => Promise<number> | number> = {
  "node:zlib gzipSync level 1": () => gzipSync(page, { level: 1 }).length,
  "node:zlib gzipSync level 6": () => gzipSync(page, { level: 6 }).length,
  "node:zlib brotliCompressSync quality 4": () =>
    brotliCompressSync(page, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 4 },
    }).length,
  "CompressionStream gzip": async () => {
    const stream = new CompressionStream("gzip");
    const writer = stream.writable.getWriter();
    writer.write(page);
    writer.close();
    return (await new Response(stream.readable).arrayBuffer()).byteLength;
  },
};

console.log(`${path}: ${page.length} bytes`);
for (const [name, compress] of Object.entries(ways)) {
  let size = 0;
  for (let i = 0; i < 300; i++) size = await compress(); // warm-up
  const before = threadCpuMs();
  for (let i = 0; i < RUNS; i++) size = await compress();
  const micros = ((threadCpuMs() - before) * 1000) / RUNS;
  console.log(`${name}: ${micros.toFixed(0)} µs of this thread, ${size} bytes`);
}

/** utime + stime of the calling thread, in ms (Linux). */
function threadCpuMs(): number {
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
