import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a simulated platform needs to pick up its registration with the hub after a restart. */
export interface Registration {
  partnerId: string;
  /** The credentials token the hub issued to the platform (token C): keep the file private. */
  token: string;
}

/** Registrations by platform name, as saved by an earlier run; none when the file does not exist. */
export async function loadRegistrations(file: string): Promise<Record<string, Registration>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, Registration>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

export async function saveRegistrations(file: string, registrations: Record<string, Registration>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(registrations, null, 2)}\n`, { mode: 0o600 });
}
