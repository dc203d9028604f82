// `practiceflow keys generate`: a new payload encryption key entry (encryption/key-ring.ts) for
// PAYLOAD_ENCRYPTION_KEYS. Runs locally; nothing is sent or stored. To rotate, put the new entry
// first and keep the old ones after it while anything encrypted with them is kept.
import { InvalidArgumentError, type Command } from 'commander';
import { generateKeyEntry } from '../encryption/key-ring';

function idPrefix(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/.test(value)) throw new InvalidArgumentError('must be 1-41 letters, digits, ., - or _ (the key id is this and the date)');
  return value;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('payload encryption keys (PAYLOAD_ENCRYPTION_KEYS)');
  keys
    .command('generate')
    .description('print a new key entry, id:base64 (256 random bits): put it first in PAYLOAD_ENCRYPTION_KEYS to encrypt with it; keep older entries after it to decrypt what they encrypted')
    .option('--id-prefix <prefix>', 'the key id starts with this (the rest is the date and time)', idPrefix, 'k')
    .action((o: { idPrefix: string }) => {
      console.log(generateKeyEntry(new Date(), o.idPrefix));
    });
}
