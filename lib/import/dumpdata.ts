// The JSON that `manage.py dumpdata users.User oauth.OAuthQQUser` writes (or its JSON Lines, with
// --format jsonl): a list of {"model": "users.user", "pk": 1, "fields": {…}}. Objects of other models
// are passed over. A foreign key dumped with --natural-foreign (["username"]) is followed too.
import {
  type QqRow,
  readQqRow,
  readUserRow,
  type ShopSource,
  type ShopUser,
  SourceError,
} from "./source.ts";

export interface DumpdataLabels {
  /** The user model's label, `users.User` by default; dumpdata writes labels in lower case. */
  userModel: string;
  /** The QQ binding model's label, `oauth.OAuthQQUser` by default. */
  qqModel: string;
}

export const DEFAULT_LABELS: DumpdataLabels = {
  userModel: "users.User",
  qqModel: "oauth.OAuthQQUser",
};

/** The users and QQ rows of a dump; a SourceError naming `name` when it is not one. */
export function readDumpdata(
  text: string,
  name: string,
  zone: string,
  labels: DumpdataLabels = DEFAULT_LABELS,
): ShopSource {
  const objects = parseObjects(text, name);
  const userModel = labels.userModel.toLowerCase();
  const qqModel = labels.qqModel.toLowerCase();
  const users: ShopUser[] = [];
  const qqObjects: { object: DumpedObject; where: string }[] = [];
  const models = new Set<string>();
  objects.forEach((value, index) => {
    const object = dumpedObject(value, `${name}: object ${index + 1}`);
    const model = object.model.toLowerCase();
    const where = `${name}: ${object.model} ${String(object.pk)}`;
    models.add(object.model);
    if (model === userModel) {
      users.push(readUserRow({ ...object.fields, id: object.pk }, where, zone));
    } else if (model === qqModel) {
      qqObjects.push({ object, where });
    }
  });
  if (users.length === 0) {
    const found = models.size > 0 ? ` (it has ${[...models].join(", ")})` : "";
    throw new SourceError(
      `${name} holds no ${labels.userModel} objects${found}: --user-model names the shop's user model`,
    );
  }
  const ids = new Set<number>();
  for (const user of users) {
    if (ids.has(user.id)) {
      throw new SourceError(
        `${name}: ${labels.userModel} ${user.id} is there twice`,
      );
    }
    ids.add(user.id);
  }
  const byUsername = new Map(users.map((user) => [user.username, user.id]));
  const qqRows: QqRow[] = qqObjects.map(({ object, where }) => {
    const { user, ...fields } = object.fields;
    return readQqRow(
      { ...fields, id: object.pk, user_id: naturalUser(user, byUsername) },
      where,
      zone,
    );
  });
  return { users, qqRows };
}

interface DumpedObject {
  model: string;
  pk: unknown;
  fields: Record<string, unknown>;
}

function parseObjects(text: string, name: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new SourceError(`${name} is empty`);
  try {
    if (trimmed.startsWith("[")) {
      const parsed = JSON.parse(trimmed);
      if (!Array.isArray(parsed)) throw new SyntaxError("not a list");
      return parsed;
    }
    return trimmed.split("\n").filter((line) => line.trim()).map((line) =>
      JSON.parse(line)
    );
  } catch (error) {
    throw new SourceError(
      `${name} is not JSON written by dumpdata: ${(error as Error).message}`,
    );
  }
}

function dumpedObject(value: unknown, where: string): DumpedObject {
  const object = value as Partial<DumpedObject> | null;
  if (
    typeof object !== "object" || object === null ||
    typeof object.model !== "string" || typeof object.fields !== "object" ||
    object.fields === null || Array.isArray(object.fields)
  ) {
    throw new SourceError(`${where} is not a dumped model object`);
  }
  if (object.pk === undefined || object.pk === null) {
    throw new SourceError(
      `${where} (${object.model}) has no pk: dump without --natural-primary`,
    );
  }
  return object as DumpedObject;
}

/** A user foreign key as dumped: the id, or with --natural-foreign the user's natural key [username]. */
function naturalUser(value: unknown, byUsername: Map<string, number>): unknown {
  if (
    Array.isArray(value) && value.length === 1 && typeof value[0] === "string"
  ) {
    return byUsername.get(value[0]) ?? value;
  }
  return value;
}
