// The raw bcrypt rate of hash-wasm on one core: `deno run _bcrypt_rate.ts <cost> <count>` hashes
// one after another on this one thread and prints {"perSecond": …}.
import { bcrypt } from "hash-wasm";

const [cost, count] = Deno.args.map(Number);
const hash = (password: string) =>
  bcrypt({
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
