// `deno task start`'s first step: a bad setting ends the task here with its one line, where under the
// file watcher the server would only wait for a file to change.
import { checkedConfig } from "@/lib/app/app.ts";

checkedConfig(Deno.env.toObject());
