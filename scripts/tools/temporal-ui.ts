// Obtains the Temporal Web UI server (temporalio/ui-server, the same UI the dev server embeds),
// run beside a headless dev server by `npm start` and the codec's browser test. Why a separate
// UI server: the dev server's built-in UI can be given a codec endpoint (--ui-codec-endpoint) but
// not told to send the browser's credentials with it, so a codec that requires sign-in (ours)
// would never see the person's session; the UI server's own configuration has
// `codec.includeCredentials`. v2.42.1 is the UI that Temporal CLI v1.5.1 embeds, so its Go
// modules are already in the module cache when the CLI was built (about half a minute to compile).
// Lookup: $TEMPORAL_UI_SERVER, then .tools, the user cache, `go install` (./go-tool.ts).
import { defaultLog, isExecutableFile, isMainModule, type Log } from './common';
import { ensureGoTool, toolVersion, type GoTool } from './go-tool';

export const TEMPORAL_UI: GoTool = {
  title: 'Temporal UI server',
  name: 'temporal-ui-server',
  version: '2.42.1',
  goPackage: 'github.com/temporalio/ui-server/v2/cmd/server',
  exe: process.platform === 'win32' ? 'server.exe' : 'server',
  ldflags: '-s -w',
  versionLine: /^Temporal UI version/,
};

/** The UI server binary, or undefined when none can be had (no Go): callers fall back to the dev server's own UI. */
export async function ensureTemporalUi(opts: { log?: Log; build?: boolean } = {}): Promise<string | undefined> {
  const log = opts.log ?? defaultLog;
  const fromEnv = process.env.TEMPORAL_UI_SERVER;
  if (fromEnv) {
    if (!(await isExecutableFile(fromEnv)) || !(await toolVersion(TEMPORAL_UI, fromEnv))) {
      throw new Error(`TEMPORAL_UI_SERVER="${fromEnv}" is not a working Temporal UI server binary (\`--version\` failed). Unset it or point it at one.`);
    }
    return fromEnv;
  }
  return ensureGoTool(TEMPORAL_UI, {
    log,
    build: opts.build,
    noGoMessage: 'No Temporal UI server and no Go to build it: the dev server\'s own Web UI is used, which shows payloads encrypted (see the README: the codec endpoint).',
  });
}

if (await isMainModule(import.meta.url)) {
  try {
    const bin = await ensureTemporalUi();
    if (bin) console.log(bin);
    else process.exitCode = 1;
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
