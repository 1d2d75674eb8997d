/**
 * A small seeded pseudo-random generator (mulberry32), so a simulation run with the same seed
 * makes the same choices and tests are repeatable. Not for anything secret.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream for one actor: its choices do not shift when another actor makes more. */
  fork(label: string): Random {
    let hash = this.state ^ 0x9e3779b9;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x85ebca6b);
    return new Random(hash ^ (hash >>> 13));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Upper-case hexadecimal digits, e.g. for RFID card UIDs. */
  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += this.int(0, 15).toString(16);
    return out.toUpperCase();
  }
}
