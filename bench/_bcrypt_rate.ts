// The raw bcrypt rate on one core: `deno run -A _bcrypt_rate.ts <cost> <count> [hash-wasm|libxcrypt]`
// hashes one after another on this one thread and prints {"perSecond": …}. hash-wasm is the
// baseline the bind figure is judged against; libxcrypt is what the app hashes with where it can.
import { bcrypt } from "hash-wasm";
import { openLibxcrypt } from "@/lib/accounts/_libxcrypt.ts";

const [cost, count] = Deno.args.slice(0, 2).map(Number);
const implementation = Deno.args[2] ?? "hash-wasm";
const native = implementation === "libxcrypt" ? openLibxcrypt() : null;
if (implementation === "libxcrypt" && !native) {
  console.log(JSON.stringify({ unavailable: "libxcrypt could not be loaded" }));
  Deno.exit(0);
}
const hash = async (password: string) =>
  native ? native.hash(password, cost) : await bcrypt({
    password,
    salt: crypto.getRandomValues(new Uint8Array(16)),
    costFactor: cost,
    outputType: "encoded",
  });

for (let i = 0; i < 3; i++) await hash(`warm-up-${i}`); // compile and tier up the wasm first
const started = performance.now();
for (let i = 0; i < count; i++) await hash(`password-${i}`);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ count, seconds, perSecond: count / seconds }));
