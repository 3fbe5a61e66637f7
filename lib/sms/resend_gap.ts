// The wait between two codes to one mobile: codes.ts holds the server to it, and the SMS button counts
// it down in the browser, which is why it lives apart from codes.ts (the islands ship this file only).
export const RESEND_AFTER_S = 60;
