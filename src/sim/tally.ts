/** What the simulated partners did, counted by kind, and where notable events are told. */
export class Tally {
  readonly counts = new Map<string, number>();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  count(kind: string, by = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + by);
  }

  get(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Counts an event and tells it. */
  note(kind: string, line: string): void {
    this.count(kind);
    this.log(line);
  }
}
