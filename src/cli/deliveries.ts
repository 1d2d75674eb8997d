import { Command } from 'commander';
import { AdminClient } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface ParkedDelivery {
  receiver_id: string;
  receiver: string;
  event: number;
  module: string;
  method: string;
  object_id: string;
  attempts: number;
  http_status: number | null;
  ocpi_status: number | null;
  blame: string | null;
  error: string | null;
  parked_at: string;
  waiting: number;
}

function describeParked(parked: ParkedDelivery): string {
  const answer = `${parked.http_status ?? '-'}/${parked.ocpi_status ?? '-'}`;
  const waiting = parked.waiting ? `  (${parked.waiting} later waiting)` : '';
  return [
    parked.parked_at,
    `${parked.receiver_id} ${parked.event}`,
    `→ ${parked.receiver}`,
    `${parked.method} ${parked.module} ${parked.object_id}`,
    answer,
    `${parked.blame ?? '?'}: ${parked.error ?? 'no message'}`,
  ].join('  ') + waiting;
}

export function deliveriesCommand(): Command {
  const deliveries = new Command('deliveries').description('deliveries that receivers refused (parked): list, retry, drop');

  deliveries.addCommand(
    withClientOptions(new Command('parked'))
      .description('list parked deliveries, oldest first; each line starts with the <receiver> <event> that retry and drop take')
      .option('--receiver <party>', 'only deliveries to this party, CC*PID')
      .option('--limit <n>', 'at most this many (default 100)')
      .action(async (options: ClientOptions & { receiver?: string; limit?: string }) => {
        const query = new URLSearchParams();
        if (options.receiver) query.set('receiver', options.receiver);
        if (options.limit) query.set('limit', options.limit);
        const parked = await new AdminClient(options).get<ParkedDelivery[]>(`/api/deliveries/parked?${query}`);
        print(options, parked, () => (parked.length ? parked.map(describeParked).join('\n') : 'No parked deliveries.'));
      }),
  );
  deliveries.addCommand(
    withClientOptions(new Command('retry'))
      .description('send a parked delivery again')
      .argument('<receiver>', 'the receiver id, as listed')
      .argument('<event>', 'the event number, as listed')
      .action(async (receiver: string, event: string, options: ClientOptions) => {
        await new AdminClient(options).post(`/api/deliveries/parked/${receiver}/${event}/retry`, undefined);
        print(options, { retried: true }, () => `Delivery of event ${event} to ${receiver} will be tried again.`);
      }),
  );
  deliveries.addCommand(
    withClientOptions(new Command('drop'))
      .description('give a parked delivery up; later events of the same object go next')
      .argument('<receiver>', 'the receiver id, as listed')
      .argument('<event>', 'the event number, as listed')
      .action(async (receiver: string, event: string, options: ClientOptions) => {
        await new AdminClient(options).delete(`/api/deliveries/parked/${receiver}/${event}`);
        print(options, { dropped: true }, () => `Delivery of event ${event} to ${receiver} dropped.`);
      }),
  );
  return deliveries;
}
