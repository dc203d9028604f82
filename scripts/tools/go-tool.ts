// A Go program PracticeFlow needs (the Temporal CLI, the Temporal UI server), obtained without
// downloading release binaries, which this project's machines cannot reach:
//   1. .tools/<name>-v<version>/<exe>                      (project-local, git-ignored)
//   2. $XDG_CACHE_HOME/practiceflow/tools/<same path>       (survives fresh CI clones; hard-linked
//      or copied into .tools)
//   3. `go install <package>@v<version>` when Go is on PATH (Go's module and build caches make
//      later builds quick), one build at a time per user.
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration, isExecutableFile, projectToolsDir, run, tempSibling, userToolsCacheDir, which, withLock, type Log } from './common';

export interface GoTool {
  /** What people call it, for messages: "Temporal CLI". */
  title: string;
  /** Folder name stem: "temporal" gives .tools/temporal-v1.5.1/. */
  name: string;
  version: string;
  goPackage: string;
  /** The binary `go install` writes (the package's last path element). */
  exe: string;
  /** `go install -ldflags` value, if any. */
  ldflags?: string;
  /** A first line of `<exe> --version` that proves the binary runs and is this tool. */
  versionLine: RegExp;
}

const dirName = (tool: GoTool): string => `${tool.name}-v${tool.version}`;
export const projectToolPath = (tool: GoTool): string => path.join(projectToolsDir, dirName(tool), tool.exe);
export const cachedToolPath = (tool: GoTool): string => path.join(userToolsCacheDir(), dirName(tool), tool.exe);

/** Runs `<bin> --version`; returns its first line, or undefined when the binary does not run. */
export async function toolVersion(tool: GoTool, bin: string): Promise<string | undefined> {
  try {
    const r = await run(bin, ['--version'], { timeoutMs: 30_000 });
    const line = r.stdout.trim().split('\n')[0] ?? '';
    return r.code === 0 && tool.versionLine.test(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

/** Project-local copy first, then the user cache (linked into the project). */
export async function findInstalledTool(tool: GoTool, log: Log): Promise<string | undefined> {
  const local = projectToolPath(tool);
  if (await isExecutableFile(local)) {
    if (await toolVersion(tool, local)) return local;
    log(`${local} does not run; replacing it.`);
    await rm(local, { force: true });
  }
  const cached = cachedToolPath(tool);
  if (await isExecutableFile(cached)) {
    if (await toolVersion(tool, cached)) {
      await placeFile(cached, local);
      log(`${tool.title} v${tool.version} linked from user cache ${cached}`);
      return local;
    }
    log(`${cached} does not run; rebuilding.`);
    await rm(cached, { force: true });
  }
  return undefined;
}

/**
 * The installed tool, else built with Go when Go is on PATH; undefined when there is no Go (the
 * caller says what happens then). `build: false` only looks.
 */
export async function ensureGoTool(tool: GoTool, opts: { log: Log; build?: boolean; verbose?: boolean; noGoMessage?: string }): Promise<string | undefined> {
  const found = await findInstalledTool(tool, opts.log);
  if (found || opts.build === false) return found;
  const go = await which('go');
  if (!go) {
    if (opts.noGoMessage) opts.log(opts.noGoMessage);
    return undefined;
  }
  // One build at a time per user (parallel test workers, several clones): others wait and reuse.
  return withLock(
    path.join(userToolsCacheDir(), `${dirName(tool)}.lock`),
    async () => (await findInstalledTool(tool, opts.log)) ?? (await buildWithGo(tool, go, opts.log, opts.verbose ?? false)),
    { log: opts.log, what: `building the ${tool.title} v${tool.version}` },
  );
}

/** Puts `src` at `dest` atomically: a hard link when on the same file system (binaries are large), else a copy. */
async function placeFile(src: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  try {
    await link(src, tmp);
  } catch {
    await copyFile(src, tmp, fsConstants.COPYFILE_FICLONE);
  }
  await chmod(tmp, 0o755);
  await rename(tmp, dest);
}

async function buildWithGo(tool: GoTool, go: string, log: Log, verbose: boolean): Promise<string> {
  const local = projectToolPath(tool);
  // Build into a private GOBIN, then rename: nobody ever sees a half-written binary.
  const gobin = tempSibling(path.join(projectToolsDir, dirName(tool)));
  await mkdir(gobin, { recursive: true });
  const started = Date.now();
  log(`Building ${tool.title} v${tool.version} with \`go install\` (the first build downloads Go modules and compiles for minutes on 2 cores; later builds reuse Go's caches)…`);

  let compiled = 0;
  let downloaded = 0;
  let lastPackage = '';
  const tail: string[] = [];
  const ticker = setInterval(() => {
    log(`  still building (${formatDuration(Date.now() - started)}): ${compiled} packages compiled, ${downloaded} modules downloaded${lastPackage ? `, last ${lastPackage}` : ''}`);
  }, 15_000);
  const target = `${tool.goPackage}@v${tool.version}`;
  try {
    const r = await run(go, ['install', '-v', ...(tool.ldflags ? [`-ldflags=${tool.ldflags}`] : []), target], {
      env: { ...process.env, GOBIN: gobin },
      onLine: (line) => {
        if (!line.trim()) return;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (line.startsWith('go: downloading')) downloaded++;
        else if (!line.startsWith('go:') && !line.includes(' ')) {
          compiled++;
          lastPackage = line;
        }
        if (verbose) log(`  ${line}`);
      },
    });
    if (r.code !== 0) throw new Error(`go install ${target} failed (exit ${r.code ?? r.signal}):\n${tail.join('\n')}`);
  } finally {
    clearInterval(ticker);
  }

  const built = path.join(gobin, tool.exe);
  const version = await toolVersion(tool, built);
  if (!version) throw new Error(`The freshly built ${built} does not run (\`--version\` failed).`);
  await mkdir(path.dirname(local), { recursive: true });
  await rename(built, local);
  await rm(gobin, { recursive: true, force: true });
  // Keep a copy outside the clone for the next fresh clone (CI).
  await placeFile(local, cachedToolPath(tool));
  log(`Built ${local} (${version}) in ${formatDuration(Date.now() - started)}; cached at ${cachedToolPath(tool)}`);
  return local;
}
