import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent by each role of a benchmark (the hub's processes, PostgreSQL, the simulated
 * partners...) between two readings, from /proc. Throughput on a shared 2-core machine moves with
 * the neighbours; what each accepted change costs in CPU, and who spends it, moves much less, and
 * is what sizing a deployment needs. Linux only: elsewhere `read` returns undefined.
 */

/** The processes of a role at the time of a reading (they may come and go between readings). */
export type Roles = Record<string, () => readonly (number | undefined)[]>;

/** The role under which every process of a PostgreSQL server on this machine is counted. */
export const POSTGRES_ROLE = 'PostgreSQL';

interface MachineTime {
  busyMs: number;
  idleMs: number;
  /** Taken by the hypervisor for other guests. */
  stolenMs: number;
}

export interface CpuReading {
  /** performance.now() of the reading. */
  at: number;
  /** CPU ms used so far, by role. */
  byRole: Map<string, number>;
  machine: MachineTime;
}

/** CPU ms spent between two readings, by role and for the whole machine. */
export interface CpuSpent {
  wallMs: number;
  byRole: Map<string, number>;
  machine: MachineTime;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
})();
const ticksToMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

interface ProcessTimes {
  name: string;
  parent: number;
  /** utime + stime. */
  ms: number;
  /** cutime + cstime: what its children that ended have used. */
  endedChildrenMs: number;
}

function processTimes(pid: number): ProcessTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name is in parentheses and may hold spaces; the fields after it are plain.
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { name, parent: fields[1], ms: ticksToMs(fields[11] + fields[12]), endedChildrenMs: ticksToMs(fields[13] + fields[14]) };
}

/**
 * Every process of the PostgreSQL servers on this machine. Backends come and go with their
 * connections: one that ended took its CPU time out of the sum, so each server's main process
 * counts what its ended children used too.
 */
function postgresMs(): number {
  const servers = new Map<number, ProcessTimes>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const times = processTimes(Number(entry));
    if (times?.name === 'postgres') servers.set(Number(entry), times);
  }
  let total = 0;
  for (const times of servers.values()) {
    total += times.ms;
    if (!servers.has(times.parent)) total += times.endedChildrenMs;
  }
  return total;
}

export class CpuLedger {
  /** `withPostgres`: count every process of a PostgreSQL server on this machine as one role. */
  constructor(
    private readonly roles: Roles,
    private readonly withPostgres: boolean,
  ) {}

  read(): CpuReading | undefined {
    let cpuLine: string;
    try {
      cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    } catch {
      return undefined;
    }
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpuLine.trim().split(/\s+/).slice(1).map(Number);
    const byRole = new Map<string, number>();
    for (const [role, pids] of Object.entries(this.roles)) {
      let total = 0;
      for (const pid of pids()) if (pid !== undefined) total += processTimes(pid)?.ms ?? 0;
      byRole.set(role, total);
    }
    if (this.withPostgres) byRole.set(POSTGRES_ROLE, postgresMs());
    return {
      at: performance.now(),
      byRole,
      machine: { busyMs: ticksToMs(user + nice + system + irq + softirq), idleMs: ticksToMs(idle + iowait), stolenMs: ticksToMs(steal ?? 0) },
    };
  }
}

/**
 * What was spent between `before` and `after`. A role's process that ended in between takes its
 * CPU time with it (PostgreSQL's backends excepted), so roles name processes that outlive the window.
 */
export function spentBetween(before: CpuReading, after: CpuReading): CpuSpent {
  const byRole = new Map<string, number>();
  for (const [role, ms] of after.byRole) byRole.set(role, Math.max(0, ms - (before.byRole.get(role) ?? 0)));
  return {
    wallMs: after.at - before.at,
    byRole,
    machine: {
      busyMs: after.machine.busyMs - before.machine.busyMs,
      idleMs: after.machine.idleMs - before.machine.idleMs,
      stolenMs: after.machine.stolenMs - before.machine.stolenMs,
    },
  };
}

/** Sums windows (the rounds of a phase). */
export function addSpent(windows: CpuSpent[]): CpuSpent | undefined {
  if (windows.length === 0) return undefined;
  const byRole = new Map<string, number>();
  const machine = { busyMs: 0, idleMs: 0, stolenMs: 0 };
  let wallMs = 0;
  for (const window of windows) {
    wallMs += window.wallMs;
    for (const [role, ms] of window.byRole) byRole.set(role, (byRole.get(role) ?? 0) + ms);
    machine.busyMs += window.machine.busyMs;
    machine.idleMs += window.machine.idleMs;
    machine.stolenMs += window.machine.stolenMs;
  }
  return { wallMs, byRole, machine };
}

/** The shares of the machine's time that were idle and stolen. */
export function machineShares(spent: CpuSpent): string {
  const total = spent.machine.busyMs + spent.machine.idleMs + spent.machine.stolenMs;
  if (total <= 0) return '';
  const percent = (ms: number) => `${Math.round((100 * ms) / total)} %`;
  return `machine idle ${percent(spent.machine.idleMs)}, stolen ${percent(spent.machine.stolenMs)}`;
}
