// The server's build id (see runtime.ts): a deployment's id wins; else a built snapshot's; else one
// made for this start. Kept out of runtime.ts, which the browser loads too, so the islands' bundles
// carry none of it.
import { setBuildId } from "../runtime.ts";

const deploymentId = envDeploymentId();
setBuildId(deploymentId ?? crypto.randomUUID().slice(0, 8));

function envDeploymentId(): string | undefined {
  try {
    return Deno.env.get("DENO_DEPLOYMENT_ID") || undefined;
  } catch {
    return undefined; // no env permission
  }
}

/** The build id of a snapshot `deno task build` wrote, unless a deployment's id is set. */
export function adoptSnapshotBuildId(id: string): void {
  setBuildId(deploymentId ?? id);
}
