import pg from 'pg';

/** How long a lost listening connection waits before it connects again. */
const RECONNECT_DELAY_MS = 500;

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other work). When the
 * connection drops it reconnects and reports a gap, since NOTIFYs sent meanwhile are gone.
 */
export async function listenOnPostgres(
  connectionString: string,
  channel: string,
  onMessage: (payload: string) => void,
  onGap: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    next.on('error', () => reconnect(next));
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };

  const reconnect = (failed: pg.Client): void => {
    if (stopped || client !== failed) return;
    client = undefined;
    failed.end().catch(() => undefined);
    scheduleConnect();
  };

  const scheduleConnect = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(onGap, scheduleConnect);
    }, RECONNECT_DELAY_MS);
    retry.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
