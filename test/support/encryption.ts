// The tests' payload encryption: a fresh key per test process, as a deployment's own key would be,
// so nothing can depend on a fixed key. Every test worker and client uses it (as production does).
import { practiceFlowDataConverter } from '../../encryption/data-converter';
import { generateKeyEntry, keyRingFrom } from '../../encryption/key-ring';

export const TEST_KEYS = generateKeyEntry(new Date(), 'test-');
export const TEST_DATA_CONVERTER = practiceFlowDataConverter(keyRingFrom(TEST_KEYS));
