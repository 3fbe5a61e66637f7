// Who logs in through each provider's simulator, as its page's form takes them: the tests' one place
// that knows how the three simulators ask for an identity.
import * as qq from "@/lib/social/providers/qq/simulator.ts";
import * as wechat from "@/lib/social/providers/wechat/simulator.ts";
import * as weibo from "@/lib/social/providers/weibo/simulator.ts";
import { wechatUid } from "@/lib/social/providers/wechat/provider.ts";

export interface TestIdentity {
  provider: string;
  /** The fields the simulator's authorize page is posted. */
  form: Record<string, string>;
  /** What the binding is keyed by. */
  uid: string;
  nickname: string;
}

/** The simulator's preset identities of `provider`. */
export function presets(provider: string): TestIdentity[] {
  switch (provider) {
    case "qq":
      return qq.PRESET_IDENTITIES.map(({ openid, nickname }) => ({
        provider,
        form: { openid, nickname },
        uid: openid,
        nickname,
      }));
    case "wechat":
      return wechat.PRESET_IDENTITIES.map(({ openid, unionid, nickname }) => ({
        provider,
        form: { openid, unionid: unionid ?? "", nickname },
        uid: wechatUid(unionid ? { unionid } : { openid }),
        nickname,
      }));
    case "weibo":
      return weibo.PRESET_IDENTITIES.map(({ uid, screenName }) => ({
        provider,
        form: { uid, screen_name: screenName },
        uid,
        nickname: screenName,
      }));
  }
  throw new Error(`no simulator identities for ${provider}`);
}

/** An identity of `provider` no test has used, named `nickname`. */
export function newIdentity(
  provider: string,
  nickname = "新用户",
): TestIdentity {
  switch (provider) {
    case "qq": {
      const openid = qq.newOpenid();
      return { provider, form: { openid, nickname }, uid: openid, nickname };
    }
    case "wechat": {
      const [openid, unionid] = [wechat.newWechatId(), wechat.newWechatId()];
      return {
        provider,
        form: { openid, unionid, nickname },
        uid: wechatUid({ unionid }),
        nickname,
      };
    }
    case "weibo": {
      const uid = weibo.newUid();
      return { provider, form: { uid, screen_name: nickname }, uid, nickname };
    }
  }
  throw new Error(`no simulator identities for ${provider}`);
}

/** What a binding of `provider` is keyed by for the provider's id `id` (WeChat's: as a unionid). */
export function uidOf(provider: string, id: string): string {
  return provider === "wechat" ? wechatUid({ unionid: id }) : id;
}
