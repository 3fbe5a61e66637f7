// The account page's login providers: each one's binding with a way to unbind it, or a way to bind one.
// Server-rendered only.
import { Fragment } from "preact";
import type { Binding } from "@/lib/social/bindings.ts";

export interface ProviderRow {
  id: string;
  name: string;
  binding: Pick<Binding, "nickname"> | null;
}

export function ProviderBindings({ rows }: { rows: ProviderRow[] }) {
  return (
    <>
      {rows.map(({ id, name, binding }) => (
        <Fragment key={id}>
          <dt>{name}绑定</dt>
          <dd data-field={id}>
            {binding
              ? (
                <>
                  已绑定{binding.nickname ? `（${binding.nickname}）` : ""}{" "}
                  <a href={`/account/${id}/unbind`}>解除绑定</a>
                </>
              )
              : (
                <>
                  未绑定{" "}
                  <a href={`/oauth/${id}/login?next=/account`}>绑定{name}</a>
                </>
              )}
          </dd>
        </Fragment>
      ))}
    </>
  );
}
