import { Command, Option } from 'commander';
import { generatePassword } from '../hub/accounts/passwords.js';
import { AdminClient } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface Account {
  id: string;
  username: string;
  role: string;
  partner_id: string | null;
}

interface AddOptions extends ClientOptions {
  role: string;
  password?: string;
  partner?: string;
}

/** Console accounts on a running hub, through the admin API (the admin token creates the first admin). */
export function userCommand(): Command {
  const user = new Command('user').description('console accounts: operators by role, and partner portal accounts');
  user.addCommand(
    withClientOptions(new Command('add'))
      .description('create a console account; prints the password when it is generated')
      .argument('<username>')
      .addOption(new Option('--role <role>', 'what the account may do').choices(['admin', 'support', 'finance', 'read-only', 'partner']).default('admin'))
      .addOption(new Option('--password <password>', 'at least 10 characters; generated when absent').env('SWITCHYARD_USER_PASSWORD'))
      .option('--partner <id>', 'the partner of a partner account')
      .action(async (username: string, options: AddOptions) => {
        const password = options.password ?? generatePassword();
        const account = await new AdminClient(options).post<Account>('/api/accounts', {
          username,
          password,
          role: options.role,
          partner_id: options.partner,
        });
        const shown = options.password ? '(as given)' : password;
        print(options, { ...account, password: options.password ? undefined : password }, () => `${account.username}  ${account.role}  password ${shown}`);
      }),
  );
  user.addCommand(
    withClientOptions(new Command('list'))
      .description('list console accounts')
      .action(async (options: ClientOptions) => {
        const accounts = await new AdminClient(options).get<Account[]>('/api/accounts');
        print(options, accounts, () => accounts.map((a) => `${a.id}  ${a.username}  ${a.role}${a.partner_id ? `  partner ${a.partner_id}` : ''}`).join('\n') || 'No accounts.');
      }),
  );
  return user;
}
