// What the browser needs to revive signal props (hydrate.ts): its own chunk, as few pages pass signals.
// The JSX runtime is imported for boot.ts's sake (see there).
import "preact/jsx-runtime";
export { signal } from "@preact/signals";
