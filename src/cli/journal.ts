import { Command } from 'commander';
import { AdminClient } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface JournalEntry {
  at: string;
  direction: 'IN' | 'OUT';
  correlation_id: string | null;
  from_party: string | null;
  to_party: string | null;
  method: string;
  url: string;
  http_status: number | null;
  ocpi_status: number | null;
  duration_ms: number | null;
  blame: string | null;
  error: string | null;
}

interface JournalOptions extends ClientOptions {
  correlationId?: string;
  party?: string;
  module?: string;
  objectId?: string;
  from?: string;
  to?: string;
  failed?: boolean;
  limit?: string;
  follow?: boolean;
}

/** How often `--follow` asks for new hops. */
const FOLLOW_INTERVAL_MS = 1_000;

/** One hop on one line: when, which way, who to whom, what, the answer, and who is to blame. */
function describeHop(entry: JournalEntry): string {
  const status = `${entry.http_status ?? '-'}/${entry.ocpi_status ?? '-'}`;
  const duration = entry.duration_ms === null ? '-' : `${Math.round(entry.duration_ms)}ms`;
  const fault = entry.blame ? `  FAILED (${entry.blame}): ${entry.error ?? 'no message'}` : '';
  return [
    entry.at,
    entry.direction.padEnd(3),
    `${entry.from_party ?? '?'} → ${entry.to_party ?? '?'}`,
    `${entry.method} ${entry.url}`,
    status,
    duration,
    entry.correlation_id ?? '-',
  ].join('  ') + fault;
}

/** The query string of the journal search: only the filters given. */
function journalQuery(options: JournalOptions): URLSearchParams {
  const filters: Record<string, string | undefined> = {
    correlation_id: options.correlationId,
    party: options.party,
    module: options.module,
    object_id: options.objectId,
    from: options.from,
    to: options.to,
    failed: options.failed ? 'true' : undefined,
    limit: options.limit,
  };
  return new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function journalCommand(): Command {
  return withClientOptions(new Command('journal'))
    .description('search the journal of every hop through the hub, one line per hop')
    .option('--correlation-id <id>', 'one exchange across all its hops')
    .option('--party <party>', 'hops from or to this party, CC*PID')
    .option('--module <module>', 'an OCPI module, e.g. locations')
    .option('--object-id <id>', 'the id of a location, token, session…')
    .option('--from <time>', 'hops at or after this time (RFC 3339)')
    .option('--to <time>', 'hops before this time (RFC 3339)')
    .option('--failed', 'only hops that failed')
    .option('--limit <n>', 'at most this many hops (default 100, at most 1000)')
    .option('--follow', 'keep printing new hops as they happen (Ctrl-C stops)')
    .action(async (options: JournalOptions) => {
      if (options.follow) return follow(options);
      const found = await new AdminClient(options).get<{ total: number; entries: JournalEntry[] }>(`/api/journal?${journalQuery(options)}`);
      print(options, found, () => {
        if (!found.entries.length) return 'No journal entries.';
        const more = found.total > found.entries.length ? [`(${found.entries.length} of ${found.total} shown: narrow the search or raise --limit)`] : [];
        return [...found.entries.map(describeHop), ...more].join('\n');
      });
    });
}

/** Prints the hops written from now on, oldest first, until interrupted. */
async function follow(options: JournalOptions): Promise<void> {
  const client = new AdminClient(options);
  const filters = journalQuery({ ...options, limit: undefined, from: undefined, to: undefined });
  let { cursor } = await client.get<{ cursor: number }>(`/api/journal/tail?${filters}`);
  let stopped = false;
  process.once('SIGINT', () => (stopped = true));
  while (!stopped) {
    const page = await client.get<{ entries: JournalEntry[]; cursor: number }>(`/api/journal/tail?${filters}&after=${cursor}`);
    for (const entry of page.entries) console.log(options.json ? JSON.stringify(entry) : describeHop(entry));
    cursor = page.cursor;
    if (!page.entries.length) await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}
