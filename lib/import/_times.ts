// Django's times as the two sources give them: dumpdata's ISO 8601 (`2019-03-01T08:30:00.250Z`, or
// without an offset where the shop ran with USE_TZ = False) and MySQL's `2019-03-01 08:30:00.250000`,
// which holds UTC under USE_TZ = True and the shop's local time otherwise. A time without an offset is
// read in the zone the operator names (--time-zone, UTC by default).

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since the epoch of `text`, or null when it is no date and time. */
export function parseShopTime(text: string, zone: string): number | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const year = +match[1], month = +match[2], day = +match[3];
  const hour = +match[4], minute = +match[5], second = +match[6];
  const fraction = match[7], offset = match[8];
  // Checked by arithmetic rather than by a Date's roll-over: a shop's import reads four times a user.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (
    month < 1 || month > 12 || day < 1 || day > days || hour > 23 ||
    minute > 59 || second > 59
  ) return null;
  const asUtc = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    fraction === undefined ? 0 : +fraction.padEnd(3, "0").slice(0, 3),
  );
  if (offset === "Z") return asUtc;
  if (offset) {
    const sign = offset[0] === "-" ? -1 : 1;
    const [hours, minutes] = [offset.slice(1, 3), offset.slice(-2)].map(
      Number,
    );
    return asUtc - sign * (hours * 60 + minutes) * 60_000;
  }
  if (zone === "UTC") return asUtc;
  // The zone's offset at that moment: taken once at the naive time, then again at the time it gives,
  // which settles it across a daylight-saving change.
  const first = asUtc - zoneOffset(zone, asUtc);
  return asUtc - zoneOffset(zone, first);
}

/** Whether `zone` is a time zone this runtime knows (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** How far `zone`'s clocks are ahead of UTC at `at`, in milliseconds. */
function zoneOffset(zone: string, at: number): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(at).map(({ type, value }) => [type, Number(value)]),
  );
  const wall = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall - Math.floor(at / 1000) * 1000;
}
