// Obtains the Temporal CLI (`temporal server start-dev`: the dev server) without downloading
// release binaries, which this project's machines cannot reach. Lookup order:
//   1. $TEMPORAL_CLI (must point at a working binary)
//   2. `temporal` on PATH
//   3. the project's .tools folder, then the user cache, then `go install` (./go-tool.ts)
//   4. undefined: callers then let @temporalio/testing download the CLI itself, which works
//      wherever the internet is reachable (see devstack/temporal.ts).
// v1.5.1 is pinned because later releases carry a `replace` directive that `go install` refuses.
import { defaultLog, isExecutableFile, isMainModule, which, type Log } from './common';
import { ensureGoTool, toolVersion, type GoTool } from './go-tool';

export const TEMPORAL_CLI_VERSION = '1.5.1';

export const TEMPORAL_CLI: GoTool = {
  title: 'Temporal CLI',
  name: 'temporal',
  version: TEMPORAL_CLI_VERSION,
  goPackage: 'github.com/temporalio/cli/cmd/temporal',
  exe: process.platform === 'win32' ? 'temporal.exe' : 'temporal',
  // Same flags as the CLI's release build, so `temporal --version` reports 1.5.1 and the binary is stripped.
  ldflags: `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
  versionLine: /temporal/i,
};

export interface EnsureTemporalCliOptions {
  log?: Log;
  /** Build with Go when no binary is found (default true). */
  build?: boolean;
  /** Echo every `go install -v` line rather than a periodic summary. */
  verbose?: boolean;
}

export const temporalCliVersion = (bin: string): Promise<string | undefined> => toolVersion(TEMPORAL_CLI, bin);

export async function ensureTemporalCli(opts: EnsureTemporalCliOptions = {}): Promise<string | undefined> {
  const log = opts.log ?? defaultLog;

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    // An explicit choice that does not work is an error, not a reason to look elsewhere.
    if (!(await isExecutableFile(fromEnv))) {
      throw new Error(`TEMPORAL_CLI is set to "${fromEnv}", which is not an executable file. Unset TEMPORAL_CLI or point it at a Temporal CLI binary.`);
    }
    const version = await temporalCliVersion(fromEnv);
    if (!version) throw new Error(`TEMPORAL_CLI="${fromEnv}" does not run (\`${fromEnv} --version\` failed).`);
    log(`Temporal CLI from TEMPORAL_CLI: ${fromEnv} (${version})`);
    return fromEnv;
  }

  const onPath = await which('temporal');
  if (onPath) {
    const version = await temporalCliVersion(onPath);
    if (version) {
      log(`Temporal CLI on PATH: ${onPath} (${version})`);
      return onPath;
    }
    log(`Ignoring ${onPath} on PATH: \`temporal --version\` failed.`);
  }

  return ensureGoTool(TEMPORAL_CLI, {
    log,
    build: opts.build,
    verbose: opts.verbose,
    noGoMessage:
      `No Temporal CLI found and Go is not installed, so it cannot be built. ` +
      `The Temporal SDK's own download will be used instead (needs internet access). ` +
      `To provide one: install Go 1.25+ and rerun \`npm run tools:temporal\`, put \`temporal\` on PATH, or set TEMPORAL_CLI.`,
  });
}

if (await isMainModule(import.meta.url)) {
  try {
    const bin = await ensureTemporalCli({ verbose: process.argv.includes('--verbose') });
    if (bin) {
      console.log(bin);
    } else {
      console.error('No Temporal CLI available; tests and `npm start` will rely on the Temporal SDK download.');
      process.exitCode = 1;
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
