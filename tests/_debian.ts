// What a test needs from Debian, installed with apt-get when it is missing (as bench/_apt.ts does for
// the bench); when that cannot be done the test fails with a line saying what to install.

/** Null when `present()` holds, after installing `packages` if it did not; else the line to show. */
export async function needDebianPackages(
  packages: string[],
  present: () => Promise<boolean>,
): Promise<string | null> {
  if (await present()) return null;
  const install = await new Deno.Command("sh", {
    args: [
      "-c",
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${
        packages.join(" ")
      }`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output().catch(() => null);
  if (install?.success && await present()) return null;
  return `this test needs Debian's ${packages.join(", ")}: apt-get install -y ${
    packages.join(" ")
  }`;
}

/** Whether `command` runs and exits 0. */
export async function succeeds(
  command: string,
  args: string[],
): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}
