/**
 * E-Mobility Account Identifiers (ISO 15118-2 Annex H, DIN SPEC 91286): country code, provider id,
 * eMA instance and an optional check digit, with optional "-" separators. OPCP normalises them to
 * capitals without separators (OPCP "Handling of IDs"); so does the hub.
 */

export interface Emaid {
  /** Normalised: capitals, no separators, with the check digit when one was given. */
  id: string;
  /** The 14 characters without check digit: the same for every spelling of one EMAID. */
  key: string;
  countryCode: string;
  /** The three characters after the country code. */
  providerId: string;
  /** Country code and provider id: the five characters that name the mobility operator. */
  provider: string;
  instance: string;
  checkDigit?: string;
}

/** Separators, when present, must all be there (OPCP's pattern); the check digit is optional. */
const EMAID_PATTERN = /^([A-Z]{2})(-?)([A-Z0-9]{3})\2([A-Z0-9]{9})(?:\2([A-Z0-9]))?$/i;
const PCID_PATTERN = /^[A-Za-z0-9]{17,18}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class EmaidError extends Error {}

/** Parses an EMAID and checks its check digit when it has one. */
export function parseEmaid(text: string): Emaid {
  const match = EMAID_PATTERN.exec(text.trim());
  if (!match) throw new EmaidError(`${JSON.stringify(text)} is no EMAID (country code, provider id, 9-character instance, optional check digit)`);
  const [, country, , provider, instance, digit] = match;
  const body = `${country}${provider}${instance}`.toUpperCase();
  const checkDigit = digit?.toUpperCase();
  if (checkDigit !== undefined && checkDigit !== emaidCheckDigit(body)) {
    throw new EmaidError(`EMAID ${body}${checkDigit} has a wrong check digit: ${emaidCheckDigit(body)} expected`);
  }
  return {
    id: body + (checkDigit ?? ''),
    key: body,
    countryCode: body.slice(0, 2),
    providerId: body.slice(2, 5),
    provider: body.slice(0, 5),
    instance: body.slice(5),
    checkDigit,
  };
}

/** The EMAID when the text is one, else undefined. */
export function emaidOrUndefined(text: string): Emaid | undefined {
  try {
    return parseEmaid(text);
  } catch {
    return undefined;
  }
}

export function isPcid(text: string): boolean {
  return PCID_PATTERN.test(text);
}

/**
 * The check digit of a 14-character EMAID body ("Check Digit Calculation for Contract-IDs", eMI3 /
 * DIN SPEC 91286). Each character's value a (0-9, A-Z → 0..35) is split as a = 9q + r with q in
 * Z2×Z2 (q = 2·q1 + q2) and r in Z3×Z3 (r = 3·r1 + r2). The check equation weights the character at
 * position i (1-based) with P1^i over Z2 and P2^i over Z3, where P1 = [[0,1],[1,1]] and
 * P2 = [[0,1],[1,2]]; the check digit is the one character that makes both sums zero.
 */
export function emaidCheckDigit(body: string): string {
  const upper = body.toUpperCase();
  if (!/^[A-Z0-9]{14}$/.test(upper)) throw new EmaidError(`${JSON.stringify(body)} is no 14-character EMAID body`);
  const sum = checkSum(upper);
  const digit = [...ALPHABET].find((candidate) => isZero(addTerm(sum, candidate, 15)));
  // The matrices are invertible, so exactly one character balances the equation.
  if (digit === undefined) throw new Error('no check digit balances the EMAID check equation');
  return digit;
}

interface CheckSum {
  q: [number, number];
  r: [number, number];
}

const P1: Matrix = [
  [0, 1],
  [1, 1],
];
const P2: Matrix = [
  [0, 1],
  [1, 2],
];

type Matrix = [[number, number], [number, number]];

function checkSum(body: string): CheckSum {
  let sum: CheckSum = { q: [0, 0], r: [0, 0] };
  [...body].forEach((character, index) => (sum = addTerm(sum, character, index + 1)));
  return sum;
}

/** Adds the term of one character at a 1-based position to the check sums. */
function addTerm(sum: CheckSum, character: string, position: number): CheckSum {
  const value = ALPHABET.indexOf(character);
  const q = Math.floor(value / 9);
  const r = value % 9;
  const qTerm = times([Math.floor(q / 2), q % 2], power(P1, position, 2), 2);
  const rTerm = times([Math.floor(r / 3), r % 3], power(P2, position, 3), 3);
  return {
    q: [(sum.q[0] + qTerm[0]) % 2, (sum.q[1] + qTerm[1]) % 2],
    r: [(sum.r[0] + rTerm[0]) % 3, (sum.r[1] + rTerm[1]) % 3],
  };
}

function isZero(sum: CheckSum): boolean {
  return sum.q[0] === 0 && sum.q[1] === 0 && sum.r[0] === 0 && sum.r[1] === 0;
}

/** Row vector × matrix, modulo m. */
function times(vector: [number, number], matrix: Matrix, m: number): [number, number] {
  return [
    (vector[0] * matrix[0][0] + vector[1] * matrix[1][0]) % m,
    (vector[0] * matrix[0][1] + vector[1] * matrix[1][1]) % m,
  ];
}

function multiply(a: Matrix, b: Matrix, m: number): Matrix {
  return [times(a[0], b, m), times(a[1], b, m)];
}

function power(matrix: Matrix, exponent: number, m: number): Matrix {
  let result: Matrix = [
    [1, 0],
    [0, 1],
  ];
  for (let i = 0; i < exponent; i++) result = multiply(result, matrix, m);
  return result;
}
