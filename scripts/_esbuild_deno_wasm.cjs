// Rebuilds deno.land/x/esbuild@v0.20.2/wasm.js (and its .d.ts) from esbuild's own v0.20.2 sources, the way
// esbuild's release script makes the Deno wasm library: the Go wasm runtime and the worker are inlined
// as the worker's source, then lib/deno/wasm.ts is bundled around it.
//   node _esbuild_deno_wasm.cjs <esbuild source> <esbuild binary> <wasm_exec.js> <output folder>
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const [sourceDir, esbuild, wasmExecPath, outDir] = process.argv.slice(2);
const version = fs.readFileSync(path.join(sourceDir, "version.txt"), "utf8")
  .trim();
const target = "--target=deno1";
const defineVersion = "--define:ESBUILD_VERSION=" + JSON.stringify(version);
const wasmExec = fs.readFileSync(wasmExecPath, "utf8");

// The worker sees a `globalThis` of its own whose properties read through to `self`.
const workerInput = `
    let onmessage
    let globalThis = {}
    for (let o = self; o; o = Object.getPrototypeOf(o))
      for (let k of Object.getOwnPropertyNames(o))
        if (!(k in globalThis))
          Object.defineProperty(globalThis, k, { get: () => self[k] })
    ${wasmExec.replace(/\bfs\./g, "globalThis.fs.")}
    ${
  fs.readFileSync(path.join(sourceDir, "lib", "shared", "worker.ts"), "utf8")
}
    return m => onmessage(m)
  `;
const worker = execFileSync(
  esbuild,
  ["--loader=ts", target, defineVersion, "--minify"],
  { cwd: sourceDir, input: workerInput },
).toString().trim();

// wasm_exec.js's licence header stays at the top of the worker's code.
const lines = wasmExec.split("\n");
const header = lines.slice(
  0,
  lines.findIndex((line) => !line.startsWith("//")),
);
const workerCode = `(postMessage=>{\n${header.join("\n")}\n${worker}})`;

const wasmJs = execFileSync(esbuild, [
  path.join(sourceDir, "lib", "deno", "wasm.ts"),
  "--bundle",
  target,
  defineVersion,
  "--define:WEB_WORKER_SOURCE_CODE=" + JSON.stringify(workerCode),
  "--platform=neutral",
  "--log-level=warning",
  '--banner:js=/// <reference types="./wasm.d.ts" />',
], { cwd: sourceDir }).toString().replace("WEB_WORKER_FUNCTION", workerCode);

fs.writeFileSync(path.join(outDir, "wasm.js"), wasmJs);
fs.copyFileSync(
  path.join(sourceDir, "lib", "shared", "types.ts"),
  path.join(outDir, "wasm.d.ts"),
);
