// Runs `prisma generate` without the native schema engine.
// `generate` never executes the schema engine, but the Prisma CLI downloads it first unless
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file; the download fails on machines that reach
// only package registries. Migrations are applied by db/migrate.ts over the WebAssembly engine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(new URL('../package.json', import.meta.url));
}
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], {
  cwd: `${here}..`,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
