// A login button for each provider the shop offers (lib/social/registry.ts). Server-rendered; each
// button is an island.
import ProviderLoginButton from "@/islands/ProviderLoginButton.tsx";
import type { Config } from "@/lib/app/config.ts";
import { enabledProviders } from "@/lib/social/registry.ts";

export function ProviderLogins(
  { config, next }: { config: Config; next: string },
) {
  return (
    <>
      {enabledProviders(config).map(({ id, name }) => (
        <ProviderLoginButton key={id} provider={id} name={name} next={next} />
      ))}
    </>
  );
}
