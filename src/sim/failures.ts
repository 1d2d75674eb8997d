/** The ways a simulated partner can misbehave (`--failures`); a module of its own so the CLI loads it cheaply. */
export const FAILURES = ['slow-emsp', 'absent-emsp', 'rejecting-cpo', 'malformed', 'mispricing-cpo'] as const;
export type Failure = (typeof FAILURES)[number];
