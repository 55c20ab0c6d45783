import { describe, expect, it } from 'vitest';
import { hashSecret, passwordParameters, recoveryCodeParameters, verifyAgainstDummy, verifySecret } from './passwords.js';

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;
const light = { N: 2 ** 10, r: 8, p: 1 };

/** The stored value's parts, read back. */
function partsOf(stored: string) {
  const match = STORED.exec(stored);
  if (!match) throw new Error(`not a stored hash: ${stored}`);
  const [, N, r, p, salt, hash] = match;
  return { N: Number(N), r: Number(r), p: Number(p), salt: Buffer.from(salt!, 'base64url'), hash: Buffer.from(hash!, 'base64url') };
}

describe('password hashes', () => {
  it('are stored as scrypt$N$r$p$salt$hash with the password parameters, a 16-byte salt and a 32-byte key', async () => {
    const stored = await hashSecret('correct horse battery');
    expect(partsOf(stored)).toMatchObject({ ...passwordParameters });
    expect(partsOf(stored).salt).toHaveLength(16);
    expect(partsOf(stored).hash).toHaveLength(32);
    expect(await verifySecret('correct horse battery', stored)).toBe(true);
    expect(await verifySecret('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash: the same password twice gives two different stored values', async () => {
    const [a, b] = await Promise.all([hashSecret('same password', light), hashSecret('same password', light)]);
    expect(a).not.toBe(b);
    expect(partsOf(a).salt.equals(partsOf(b).salt)).toBe(false);
  });

  it('verifies a hash made with other parameters by the parameters stored in it', async () => {
    for (const parameters of [light, recoveryCodeParameters, { N: 2 ** 11, r: 4, p: 2 }]) {
      const stored = await hashSecret('an older password', parameters);
      expect(partsOf(stored)).toMatchObject(parameters);
      expect(await verifySecret('an older password', stored), JSON.stringify(parameters)).toBe(true);
      expect(await verifySecret('another password', stored), JSON.stringify(parameters)).toBe(false);
    }
  });

  it('refuses a tampered or malformed stored value', async () => {
    const stored = await hashSecret('a password here', light);
    const { salt, hash } = partsOf(stored);
    const flipped = Buffer.from(hash);
    flipped[0] = flipped[0]! ^ 1;
    const otherSalt = Buffer.from(salt);
    otherSalt[0] = otherSalt[0]! ^ 1;
    const tampered = [
      stored.replace(hash.toString('base64url'), flipped.toString('base64url')),
      stored.replace(salt.toString('base64url'), otherSalt.toString('base64url')),
      stored.replace(/^scrypt\$1024\$/, 'scrypt$2048$'),
      stored.replace(/^scrypt\$1024\$8\$1\$/, 'scrypt$1024$8$2$'),
      stored.replace(hash.toString('base64url'), hash.subarray(0, 16).toString('base64url')),
      stored.replace(/^scrypt/, 'argon2'),
      stored.slice(0, -1) + '!',
      '',
      'plain text',
    ];
    for (const value of tampered) expect(await verifySecret('a password here', value), value).toBe(false);
  });

  it('answers no, without throwing or allocating gigabytes, for parameters scrypt cannot or should not run', async () => {
    const stored = await hashSecret('a password here', light);
    for (const parameters of ['1000$8$1', '0$8$1', '1024$0$1', '1024$8$0', `${2 ** 24}$8$1`, '1024$4096$1', `${2 ** 40}$8$1`]) {
      const value = stored.replace(/^scrypt\$1024\$8\$1\$/, `scrypt$${parameters}$`);
      expect(await verifySecret('a password here', value), parameters).toBe(false);
    }
  });

  it('treats a password the same whether its kana arrive composed or decomposed (NFC)', async () => {
    const stored = await hashSecret('パスワード', light);
    expect(await verifySecret('パスワード'.normalize('NFD'), stored)).toBe(true);
  });

  it('spends a check on a dummy hash and answers no, for login ids that do not exist', async () => {
    expect(await verifyAgainstDummy('anything', light)).toBe(false);
    expect(await verifyAgainstDummy('madoguchi-dummy-secret', light)).toBe(false);
  });
});
