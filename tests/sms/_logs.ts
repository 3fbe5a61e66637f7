// The server log lines (console.log and console.error) written while `work` runs.
export async function capturingLogs(
  work: () => Promise<unknown>,
): Promise<string[]> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = console.error = (...args: unknown[]) => {
    lines.push(args.join(" "));
  };
  try {
    await work();
  } finally {
    Object.assign(console, { log, error });
  }
  return lines;
}
