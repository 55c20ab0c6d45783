/**
 * Password hashes: scrypt (node:crypto) stored as `scrypt$N$r$p$salt$hash` (salt and hash
 * base64url), so the work factor can be raised later without invalidating stored hashes — a hash
 * is always verified with the parameters it was made with. Verification compares in constant time.
 *
 * The async scrypt runs on libuv's thread pool, not on the thread that serves requests.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** For passwords: 2^15 × 8 (32 MiB, about 0.1 s here); raise N as machines grow. */
export const passwordParameters: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
/**
 * For recovery codes: they carry about 62 random bits (12 characters of a–z0–9), so a guess is
 * hopeless however cheap the hash; a lighter factor keeps a sign-in that checks ten of them fast.
 */
export const recoveryCodeParameters: ScryptParameters = { N: 2 ** 12, r: 8, p: 1 };

const KEY_LENGTH = 32;

function scrypt(secret: string, salt: Buffer, keyLength: number, parameters: ScryptParameters): Promise<Buffer> {
  // maxmem must exceed 128·N·r, or node refuses the larger work factors.
  const options: ScryptOptions = { ...parameters, maxmem: 256 * parameters.N * parameters.r };
  return new Promise((resolve, reject) =>
    scryptCallback(secret.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashSecret(secret: string, parameters: ScryptParameters = passwordParameters): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEY_LENGTH, parameters);
  return ['scrypt', parameters.N, parameters.r, parameters.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;
const MIN_SALT_BYTES = 16;
/** The most memory one check may take (128·N·r): a stored value must not make a sign-in allocate gigabytes. */
const MAX_SCRYPT_BYTES = 256 * 1024 * 1024;

/** Parameters scrypt accepts (N a power of two above 1, r and p at least 1) within MAX_SCRYPT_BYTES. */
function runnable({ N, r, p }: ScryptParameters): boolean {
  const powerOfTwo = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0;
  return powerOfTwo && r >= 1 && p >= 1 && p <= 16 && 128 * N * r <= MAX_SCRYPT_BYTES;
}

/**
 * Whether `secret` matches `stored`; a malformed stored value never matches, nor does one whose
 * key is not the full KEY_LENGTH (a shortened key would match other secrets by chance).
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (!match) return false;
  const parameters = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const salt = Buffer.from(match[4]!, 'base64url');
  const expected = Buffer.from(match[5]!, 'base64url');
  if (!runnable(parameters) || salt.length < MIN_SALT_BYTES || expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(secret, salt, KEY_LENGTH, parameters);
  return timingSafeEqual(actual, expected);
}

const dummyHashes = new Map<number, Promise<string>>();

/**
 * Spends the time of one check with `parameters` when there is nothing to check against (a login
 * id that does not exist), so a refusal's timing does not tell whether an account exists.
 */
export async function verifyAgainstDummy(secret: string, parameters: ScryptParameters = passwordParameters): Promise<false> {
  let dummy = dummyHashes.get(parameters.N);
  if (!dummy) dummyHashes.set(parameters.N, (dummy = hashSecret('madoguchi-dummy-secret', parameters)));
  await verifySecret(secret, await dummy);
  return false;
}
