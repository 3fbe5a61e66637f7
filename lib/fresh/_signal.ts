// What boot.ts loads when a page passes signals: this one export, so the chunk it imports keeps
// only what the islands use of @preact/signals (importing the package itself would keep it all).
export { signal } from "@preact/signals";
