import { Command } from 'commander';
import { CliError } from './admin-client.js';
import { agreementCommand, partyCommand } from './agreement.js';
import { deliveriesCommand } from './deliveries.js';
import { cdrsCommand, priceCommand } from './clearing.js';
import { settleCommand, statementsCommand } from './settlement.js';
import { demoCommand } from './demo.js';
import { journalCommand } from './journal.js';
import { moveJournalCommand } from './move-journal.js';
import { partnerCommand } from './partner.js';
import { serveCommand } from './serve.js';
import { simCommand } from './sim.js';
import { userCommand } from './user.js';

const program = new Command()
  .name('switchyard')
  .description('Switchyard, an open-source EV roaming hub (OCPI 2.2.1)')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(demoCommand());
program.addCommand(simCommand());
program.addCommand(partnerCommand());
program.addCommand(partyCommand());
program.addCommand(agreementCommand());
program.addCommand(journalCommand());
program.addCommand(moveJournalCommand());
program.addCommand(deliveriesCommand());
program.addCommand(userCommand());
program.addCommand(priceCommand());
program.addCommand(cdrsCommand());
program.addCommand(settleCommand());
program.addCommand(statementsCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
