// QQ's callback, where 0.1 registered it with QQ: the same callback and bind page as every provider's.
import { qq } from "@/lib/social/providers/qq/provider.ts";
import { enabledProvider } from "@/lib/social/registry.ts";
import BindPage, {
  callbackHandlers,
  config,
} from "./oauth/[provider]/callback.tsx";

export { config };

export const handler = callbackHandlers((ctx) =>
  enabledProvider(ctx.state.app.config, qq.id)
);

export default BindPage;
