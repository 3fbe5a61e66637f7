// CPU time by thread, from /proc (Linux): where a figure's time goes in the server and the client.
// Deno names a Worker's thread `worker-N`; the main JS thread keeps the process's id.

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface CpuSplit {
  /** The server's main JS thread: routing, rendering, KV calls, JWE. */
  main: number;
  /** Worker threads: the bcrypt pool. */
  workers: number;
  /** Everything else in the server: V8's GC and compiler threads, tokio (sockets, KV). */
  other: number;
  /** The load generator (this process). */
  client: number;
  /** Every other process on the machine: other people's work, which skews the figures. */
  elsewhere: number;
}

/** Runs `measured` and returns how much CPU (ms) each part used while it ran, or null off Linux. */
export async function cpuDuring<T>(
  serverPid: number,
  measured: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSplit | null }> {
  const before = await snapshot(serverPid);
  const result = await measured();
  const after = await snapshot(serverPid);
  if (!before || !after) return { result, cpu: null };
  const delta = (key: keyof Snapshot) => after[key] - before[key];
  const ours = delta("main") + delta("workers") + delta("other") +
    delta("client");
  return {
    result,
    cpu: {
      main: delta("main"),
      workers: delta("workers"),
      other: delta("other"),
      client: delta("client"),
      elsewhere: Math.max(0, delta("machine") - ours),
    },
  };
}

type Snapshot = Omit<CpuSplit, "elsewhere"> & { machine: number };

async function snapshot(pid: number): Promise<Snapshot | null> {
  try {
    const split: Snapshot = {
      main: 0,
      workers: 0,
      other: 0,
      client: 0,
      machine: machineBusyMs(await Deno.readTextFile("/proc/stat")),
    };
    for await (const task of Deno.readDir(`/proc/${pid}/task`)) {
      const stat = await Deno.readTextFile(
        `/proc/${pid}/task/${task.name}/stat`,
      )
        .catch(() => null); // a thread that just ended
      if (!stat) continue;
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const part = Number(task.name) === pid
        ? "main"
        : comm.startsWith("worker-")
        ? "workers"
        : "other";
      split[part] += cpuMs(stat);
    }
    split.client = cpuMs(await Deno.readTextFile("/proc/self/stat"));
    return split;
  } catch {
    return null;
  }
}

/** All CPUs' time not idle, from the `cpu` line of /proc/stat, in ms. */
function machineBusyMs(stat: string): number {
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = stat
    .slice(0, stat.indexOf("\n")).split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/** utime + stime of a /proc stat line, in ms. */
function cpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** `cpu` per operation, in ms, rounded for results.json. */
export function perOperation(cpu: CpuSplit, operations: number) {
  const each = (ms: number) => Math.round((ms / operations) * 100) / 100;
  return {
    main: each(cpu.main),
    workers: each(cpu.workers),
    other: each(cpu.other),
    client: each(cpu.client),
    elsewhere: each(cpu.elsewhere),
  };
}

/** How much of the machine our processes had: 1 means every core, all along. */
export function coreShare(cpu: CpuSplit, seconds: number, cores: number) {
  const used = cpu.main + cpu.workers + cpu.other + cpu.client;
  return used / (seconds * 1000 * cores);
}

/** How much of the machine other processes took: 0 is a quiet machine. */
export function elsewhereShare(cpu: CpuSplit, seconds: number, cores: number) {
  return cpu.elsewhere / (seconds * 1000 * cores);
}
