import { readFile } from 'node:fs/promises';
import { CliError } from './admin-client.js';

/** A JSON file the operator named; a readable error when it cannot be read or parsed. */
export async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError(`Cannot read the ${what} from ${path}: ${(error as Error).message}`);
  }
}
