// Times as the shop's customers read them: in China's time zone, whatever the server's is. Each
// format is made at its first use, since making one loads the locale's data (about 40 ms measured),
// which a start-up need not wait for.

let clock: Intl.DateTimeFormat | undefined;
let dateAndTime: Intl.DateTimeFormat | undefined;

/** "07:36". */
export function clockTime(at: number): string {
  clock ??= new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return clock.format(at);
}

/** "2026/12/1 07:36". */
export function dateTime(at: number): string {
  dateAndTime ??= new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    dateStyle: "short",
    timeStyle: "short",
  });
  return dateAndTime.format(at);
}

/** The day number in China's time (UTC+8 all year, no summer time), for limits that start again each day. */
export function shopDay(at: number): number {
  return Math.floor((at + 8 * 3600 * 1000) / (24 * 3600 * 1000));
}
