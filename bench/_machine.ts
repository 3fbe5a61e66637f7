// What the figures were measured on, printed above them and kept in results.json.

export async function machine() {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const loadavg = await Deno.readTextFile("/proc/loadavg").catch(() => "");
  return {
    cores: navigator.hardwareConcurrency,
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown",
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    /** Other work on the machine skews every figure; the 1-minute load average before the run says how much. */
    loadAverageBefore: Number(loadavg.split(" ")[0]),
  };
}
