// A message beside a field (or about the whole form), and what to do next; runs on the server and in
// the browser inside the islands.
import type { Help } from "@/lib/forms/help.ts";

export interface FieldMessageProps {
  /** The field (or "form", or a part of the form) the message is about. */
  id: string;
  message?: string | null;
  /** Why, beside the message: the contract's words, shown in brackets. */
  reason?: string;
  help?: Help;
  /** Takes the focus when the page opens: for a message about no one field. */
  focus?: boolean;
}

/** A message, `<p class="error" data-field=…>` with nothing but the message in it, and help beside it. */
export function FieldMessage(
  { id, message, reason, help, focus }: FieldMessageProps,
) {
  if (!message) return null;
  return (
    <div
      id={`${id}-message`}
      class="message"
      tabIndex={focus ? -1 : undefined}
      autoFocus={focus}
    >
      <p class="error" data-field={id} role="alert">
        {message}
        {reason && <span class="reason">（{reason}）</span>}
      </p>
      {help && (
        <p class="help">
          {help.text}
          {help.link && (
            <>
              {" "}
              <a href={help.link.href}>{help.link.label}</a>
            </>
          )}
        </p>
      )}
    </div>
  );
}
