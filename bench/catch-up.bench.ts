/**
 * A receiver catching up a backlog: the delivery bookkeeping of one batch of 500 logged events for
 * a receiver that was sent N objects whole (each remembered with the transactions its state held,
 * `delivery/states-sent.ts`) while its cursor moves through the log. Baseline of the same run: a
 * receiver sent none. At full NA×10 size a lagging receiver is sent one state per Location, 25,000,
 * and 50 receivers do this bookkeeping for every batch of the log.
 *
 *   npm run bench -- catch-up [--remembered 1000,25000,250000 --batches 2000]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SeenTransactions } from '../src/delivery/seen-transactions.js';
import { StatesSent } from '../src/delivery/states-sent.js';

const { values } = parseArgs({ options: { remembered: { type: 'string', default: '1000,25000,250000' }, batches: { type: 'string', default: '2000' } } });
const sizes = values.remembered.split(',').map(Number);
const batches = Number(values.batches);
const BATCH = 500;
/** Transaction ids as the log hands them out: well past 2^32, as on a server that has run for years. */
const FIRST_TX = 5_000_000_000;

/**
 * `remembered` objects were sent whole under snapshots taken just ahead of the log; then batches
 * of events (one transaction each) are read, each asked about, and the cursor moves on.
 */
function catchUp(remembered: number): number {
  const states = new StatesSent();
  const snapshotTx = FIRST_TX + batches * BATCH + 1;
  for (let i = 0; i < remembered; i++) states.remember(`locations|US*CPO|LOC-${i}`, SeenTransactions.parse(`${snapshotTx - 5}:${snapshotTx}:${snapshotTx - 3}`));
  let held = 0;
  const started = performance.now();
  for (let batch = 0; batch < batches; batch++) {
    const cursorTx = String(FIRST_TX + batch * BATCH);
    states.forgetPassed(cursorTx);
    for (let e = 0; e < BATCH; e++) {
      const tx = String(FIRST_TX + batch * BATCH + e);
      if (states.holds(`locations|US*CPO|LOC-${(batch * BATCH + e) % Math.max(1, remembered)}`, tx)) held++;
    }
  }
  const elapsed = performance.now() - started;
  if (remembered > 0 && held === 0) throw new Error('no change was found inside a state sent whole');
  return (elapsed * 1000) / batches;
}

console.log(`\nCatch-up bookkeeping on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}; ${batches} batches of ${BATCH} events\n`);
catchUp(1000); // warm-up
const baseline = catchUp(0);
console.log(`objects sent whole | µs per batch | vs none sent`);
console.log(`------------------ | ------------ | ------------`);
console.log(`${'0 (baseline)'.padEnd(18)} | ${baseline.toFixed(0).padStart(12)} | 1.00×`);
for (const size of sizes) {
  const perBatch = catchUp(size);
  console.log(`${size.toLocaleString('en-US').padEnd(18)} | ${perBatch.toFixed(0).padStart(12)} | ${(perBatch / baseline).toFixed(2)}×`);
}

/** The heap 50 lagging receivers hold for what they were sent whole, at full NA×10 size. */
function heapOfReceivers(receivers: number, objects: number): number {
  const snapshots = Array.from({ length: 100 }, (_, i) => SeenTransactions.parse(`${FIRST_TX + i}:${FIRST_TX + i + 40}:${FIRST_TX + i + 3}`));
  // The receivers of a round share each logged event, and with it the object's key.
  const keys = Array.from({ length: objects }, (_, i) => `locations|US*C${i % 100}|LOC-${i}`);
  const before = process.memoryUsage().heapUsed;
  const lanes = Array.from({ length: receivers }, () => {
    const states = new StatesSent();
    keys.forEach((key, i) => states.remember(key, snapshots[i % snapshots.length]));
    return states;
  });
  const bytes = process.memoryUsage().heapUsed - before;
  if (lanes.reduce((sum, states) => sum + states.size, 0) !== receivers * objects) throw new Error('states lost');
  return bytes;
}
const receivers = 50;
const objects = 25_000;
const heap = heapOfReceivers(receivers, objects);
console.log(`\n${receivers} receivers each sent ${objects.toLocaleString('en-US')} objects whole hold ${Math.round(heap / 2 ** 20)} MB of heap for them (${Math.round(heap / (receivers * objects))} bytes per object per receiver)`);
