// The ONE data converter of every path that talks to Temporal: the worker (and the workflow
// bundle), the API's client, the worker's own client (schedules, child starts), replays, scripts
// and tests. Built from the key ring in configuration (config/env.ts PAYLOAD_ENCRYPTION_KEYS).
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { EncryptionCodec, isEncrypted, PayloadDecryptionError } from './codec';
import type { KeyRing } from './key-ring';

/** The module the workflow bundle and workers load the failure converter from. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** What Client, Worker.create, Worker.runReplayHistory and the test environments take. */
export interface PracticeFlowDataConverter extends DataConverter {
  payloadCodecs: [PayloadCodec];
  failureConverterPath: string;
}

export function practiceFlowDataConverter(ring: KeyRing): PracticeFlowDataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * For a process that holds no keys but may still read what needs none (the CLI's database mode
 * reading the ledger; replaying a history the API already decrypted): plaintext passes, anything
 * encrypted is refused naming the variable. `replayOnly`: what it encodes never leaves the
 * process (a replay's commands), so it passes too; otherwise nothing is sent unencrypted.
 */
class KeylessCodec implements PayloadCodec {
  constructor(private readonly replayOnly: boolean) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (this.replayOnly) return payloads;
    throw new PayloadDecryptionError('PAYLOAD_ENCRYPTION_KEYS is not set here: nothing is sent to Temporal unencrypted');
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.some(isEncrypted)) throw new PayloadDecryptionError('these payloads are encrypted and PAYLOAD_ENCRYPTION_KEYS is not set here');
    return payloads;
  }
}

export function keylessDataConverter(options: { replayOnly?: boolean } = {}): PracticeFlowDataConverter {
  return { payloadCodecs: [new KeylessCodec(options.replayOnly ?? false)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
