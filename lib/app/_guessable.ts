// Whether a secret could be guessed: one character repeated, a short part repeated, a word or a keyboard
// run, or too few different characters. A few checks on the key's own characters, not a dictionary
// attack: they refuse what people type when a form asks for "a secret", and pass any random key.

/** Words people put in secrets, longest first so that "password" goes before "pass". */
const WORDS = [
  "development",
  "production",
  "passphrase",
  "changeme",
  "password",
  "insecure",
  "iloveyou",
  "football",
  "princess",
  "sunshine",
  "localhost",
  "example",
  "default",
  "replace",
  "session",
  "letmein",
  "welcome",
  "staging",
  "testing",
  "secret",
  "passwd",
  "qwerty",
  "django",
  "meiduo",
  "monkey",
  "dragon",
  "master",
  "random",
  "string",
  "server",
  "config",
  "cookie",
  "sample",
  "change",
  "please",
  "admin",
  "token",
  "login",
  "local",
  "value",
  "fresh",
  "shop",
  "test",
  "demo",
  "root",
  "pass",
  "prod",
  "deno",
  "your",
  "this",
  "here",
  "long",
  "key",
  "dev",
  "app",
  "the",
  "my",
];
const KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
const SEPARATORS = /[\s\-_.:/+=,;|~*#!@$%^&()[\]{}]/g;
/** What must be left of the key once its words, runs and repeats are taken out. */
const MIN_LEFT = 16;
const MIN_DISTINCT = 10;

/** True when `secret` is one of the keys people type rather than generate. */
export function isGuessable(secret: string): boolean {
  if (new Set(secret).size < MIN_DISTINCT) return true;
  let left = secret.toLowerCase();
  for (const word of WORDS) left = left.replaceAll(word, " ");
  left = withoutRuns(left).replace(SEPARATORS, "");
  left = left.replace(/(.)\1+/g, "$1");
  left = shortestUnit(left);
  return left.length < MIN_LEFT || new Set(left).size < MIN_DISTINCT;
}

/** `text` without runs of 4 or more characters that step by one ("abcd", "4321") or follow a keyboard row. */
function withoutRuns(text: string): string {
  const steps = (a: string, b: string) => {
    const step = b.charCodeAt(0) - a.charCodeAt(0);
    if (step === 1 || step === -1) return true;
    return KEYBOARD_ROWS.some((row) => row.includes(a + b));
  };
  let result = "";
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i < text.length && steps(text[i - 1], text[i])) continue;
    if (i - start < 4) result += text.slice(start, i);
    start = i;
  }
  return result;
}

/** The shortest part that `text` is made of repeated ("abcabcabc" → "abc"), or `text` itself. */
function shortestUnit(text: string): string {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size !== 0) continue;
    const unit = text.slice(0, size);
    if (unit.repeat(text.length / size) === text) return unit;
  }
  return text;
}
