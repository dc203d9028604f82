// The payload encryption keys: a ring of AES-256 keys, each with an id. The first key encrypts
// every new payload; all of them decrypt, so a key is rotated by putting a new one first and
// keeping the old one for as long as anything encrypted with it is kept (Temporal histories up to
// their retention, archived histories, schedules created before the rotation).
//
// Written as `id:base64key[,id:base64key...]` in PAYLOAD_ENCRYPTION_KEYS (config/env.ts), or, for
// a development set-up only, in the data folder's `payload-keys` file that `npm start` creates.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** 256-bit keys: AES-256-GCM (NIST SP 800-38D), the HHS guidance's standard for PHI at rest. */
export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** Encrypts new payloads. */
  primary: EncryptionKey;
  /** Every key by id, the primary included: decrypts. */
  byId: ReadonlyMap<string, EncryptionKey>;
}

/** Parses `id:base64[,id:base64...]`; each problem names the entry and says how to fix it. */
export function parseKeyRing(text: string): { ring: KeyRing } | { problems: string[] } {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  if (entries.length === 0) problems.push('must hold at least one key, as id:base64 (generate one with `npx practiceflow keys generate`)');
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) return void problems.push(`${where}: must be id:base64key (generate one with \`npx practiceflow keys generate\`)`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) return void problems.push(`${where}: the key id must be 1-64 letters, digits, '.', '_' or '-'`);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return void problems.push(`${where} (${id}): the key must be base64`);
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) return void problems.push(`${where} (${id}): the key must be ${KEY_BYTES} bytes (256 bits), not ${key.length}`);
    if (keys.some((k) => k.id === id)) return void problems.push(`${where}: the key id ${id} is used twice`);
    keys.push({ id, key });
  });
  if (problems.length > 0) return { problems };
  return { ring: { primary: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) } };
}

/** A new key ring entry, `id:base64`: the id says when it was made (rotation is by date). */
export function generateKeyEntry(now = new Date(), prefix = 'k'): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${prefix}${stamp}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** The development key file in the data folder (mode 0600), written by `npm start`. */
export const DEV_KEY_FILE = 'payload-keys';

/**
 * The data folder's development key ring, created when absent (`npm start` on a set-up without
 * PAYLOAD_ENCRYPTION_KEYS). Returns the text and whether it was just created.
 */
export function ensureDevelopmentKeys(dataDir: string): { text: string; path: string; created: boolean } {
  const path = resolve(dataDir, DEV_KEY_FILE);
  if (existsSync(path)) return { text: readFileSync(path, 'utf8').trim(), path, created: false };
  const text = generateKeyEntry(new Date(), 'dev-');
  writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return { text, path, created: true };
}

/** The development key ring's text if the data folder has one. */
export function readDevelopmentKeys(dataDir: string): string | undefined {
  const path = resolve(dataDir, DEV_KEY_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** The ring of a text known to be valid (generated here, or checked by config/env.ts); throws otherwise. */
export function keyRingFrom(text: string): KeyRing {
  const parsed = parseKeyRing(text);
  if ('problems' in parsed) throw new Error(`payload encryption keys: ${parsed.problems.join('; ')}`);
  return parsed.ring;
}
