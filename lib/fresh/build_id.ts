// The id that names this build's island bundles and busts asset() caches.
// Browser-safe: in the browser the boot module sets it from the page's island data.

function deploymentId(): string | undefined {
  try {
    return globalThis.Deno?.env.get("DENO_DEPLOYMENT_ID") || undefined;
  } catch {
    return undefined; // no env permission
  }
}

const fromDeployment = deploymentId();
let buildId = fromDeployment ??
  crypto.randomUUID().replaceAll("-", "").slice(0, 12);

export function getBuildId(): string {
  return buildId;
}

/** A deployment's id, when set, wins over a built snapshot's id. */
export function setBuildId(id: string): void {
  buildId = fromDeployment ?? id;
}
