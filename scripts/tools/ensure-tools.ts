// `pretest`: makes sure the Temporal servers the tests use are present before vitest starts, so
// the (possibly long, first-time) builds show progress here instead of inside a test hook.
import { ensureChromium } from './chromium';
import { formatDuration, isMainModule } from './common';
import { ensureSchemathesis } from './schemathesis';
import { ensureTemporalCli } from './temporal-cli';
import { ensureTemporalUi } from './temporal-ui';
import { ensureTestServer } from './test-server';

export interface EnsuredTools {
  /** undefined: no CLI could be had; the dev server then comes from the SDK's download. */
  temporalCli: string | undefined;
  testServer: string;
  /** undefined: no UI server could be had (the codec's browser test then fails saying why). */
  temporalUi: string | undefined;
  /** undefined: none could be had (the web console's browser tests then fail saying why). */
  chromium: string | undefined;
  /** undefined: none could be had (the API fuzz test then fails saying why). */
  schemathesis: string | undefined;
}

export async function ensureTools(opts: { log?: (line: string) => void } = {}): Promise<EnsuredTools> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const started = Date.now();
  log('[tools] Temporal time-skipping test server…');
  // Sequential on purpose: each can saturate both cores (Maven resolves, Go compiles for minutes).
  const testServer = await ensureTestServer({ log: (l) => log(`[tools] ${l}`) });
  log(`[tools]   ${testServer}`);
  log('[tools] Temporal CLI (dev server)…');
  const temporalCli = await ensureTemporalCli({ log: (l) => log(`[tools] ${l}`) });
  log(`[tools]   ${temporalCli ?? 'not available: the Temporal SDK download will be used (needs internet)'}`);
  log('[tools] Temporal UI server (Web UI with the codec endpoint)…');
  const temporalUi = await ensureTemporalUi({ log: (l) => log(`[tools] ${l}`) });
  log(`[tools]   ${temporalUi ?? 'not available'}`);
  log('[tools] Chromium (web console browser tests)…');
  let chromium: string | undefined;
  try {
    chromium = await ensureChromium({ log: (l) => log(`[tools] ${l}`) });
    log(`[tools]   ${chromium}`);
  } catch (err) {
    log(`[tools]   not available: ${(err as Error).message}`);
  }
  log('[tools] schemathesis (API fuzz test)…');
  let schemathesis: string | undefined;
  try {
    schemathesis = await ensureSchemathesis({ log: (l) => log(`[tools] ${l}`) });
    log(`[tools]   ${schemathesis}`);
  } catch (err) {
    log(`[tools]   not available: ${(err as Error).message}`);
  }
  log(`[tools] done in ${formatDuration(Date.now() - started)}`);
  return { temporalCli, testServer, temporalUi, chromium, schemathesis };
}

if (await isMainModule(import.meta.url)) {
  try {
    await ensureTools();
  } catch (err) {
    console.error(`[tools] ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
