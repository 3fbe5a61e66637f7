// What the bench needs from Debian (wrk; the Django peer's packages), installed with apt-get when
// missing, as `.ci/run` installs Chromium.

/** Runs `apt-get install -y <packages>` after an update; the last line of its errors when it fails. */
export async function aptInstall(packages: string[]): Promise<string | null> {
  console.log(`Installing ${packages.join(", ")} from Debian`);
  const install = await new Deno.Command("sh", {
    args: [
      "-c",
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${
        packages.join(" ")
      }`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output().catch((error) => ({
    success: false,
    stderr: new TextEncoder().encode(String(error)),
  }));
  return install.success
    ? null
    : new TextDecoder().decode(install.stderr).trim().split("\n").at(-1) ??
      "apt-get failed";
}

/** The path of `name` on PATH, or null. */
export async function which(name: string): Promise<string | null> {
  const { success, stdout } = await new Deno.Command("sh", {
    args: ["-c", `command -v ${name}`],
    stdout: "piped",
    stderr: "null",
  }).output();
  return success ? new TextDecoder().decode(stdout).trim() : null;
}
