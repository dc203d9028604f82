// `npm run api`: the API on its own, beside workers run elsewhere (`npm start` already serves it
// next to its worker). Needs DATABASE_URL and TEMPORAL_ADDRESS; stops cleanly on SIGINT/SIGTERM.
import { codecOriginsOf, keyRingOf, loadConfigOrExit } from '../config/env';
import { maskedText } from '../config/mask';
import { practiceFlowDataConverter } from '../encryption/data-converter';
import { openServices } from '../services/open';
import { authOptionsFromConfig } from './auth';
import { startApiServer } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    console.error(`The API needs ${missing.join(', ')} (or use \`npm start\`, which serves the API with local services).`);
    process.exit(1);
  }
  const opened = openServices(config, { databaseUrl: config.DATABASE_URL!, temporalAddress: config.TEMPORAL_ADDRESS, dataConverter: practiceFlowDataConverter(keyRingOf(config)) });
  let api;
  try {
    api = await startApiServer({
      host: config.API_HOST,
      port: config.API_PORT,
      services: opened.services,
      auth: authOptionsFromConfig(config),
      console: { temporalUiUrl: config.TEMPORAL_UI_URL, temporalNamespace: config.TEMPORAL_NAMESPACE, mailDir: config.PRACTICEFLOW_DEV_MAILBOX },
      codecOrigins: codecOriginsOf(config),
    });
  } catch (err) {
    await opened.close();
    throw err;
  }
  console.log(`PracticeFlow API listening on ${api.url} (Temporal ${config.TEMPORAL_ADDRESS}, namespace ${config.TEMPORAL_NAMESPACE}); OpenAPI: ${api.url}/api/openapi.json`);
  const server = api;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping the API...`);
    void server
      .stop()
      .then(() => opened.close())
      .then(() => console.log('PracticeFlow API stopped.'))
      .catch((err: unknown) => {
        console.error(maskedText(err instanceof Error ? err.message : err));
        process.exitCode = 1;
      })
      // Nothing is left to finish: do not wait for idle pool timers.
      .finally(() => process.exit());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // Masked (config/mask.ts): a connection failure can quote DATABASE_URL.
  console.error(maskedText(err instanceof Error ? err.message : err));
  process.exit(1);
});
