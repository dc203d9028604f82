import { defineConfig } from 'prisma/config';

// DATABASE_URL is read lazily: `prisma generate` (run on install) must work without it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
