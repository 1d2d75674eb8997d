import { Command } from 'commander';
import { CliError } from './admin-client.js';
import { partnerCommand } from './partner.js';
import { serveCommand } from './serve.js';

const program = new Command()
  .name('switchyard')
  .description('Switchyard, an open-source EV roaming hub (OCPI 2.2.1)')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(partnerCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
