// Lint: strict TypeScript everywhere, and workflow code kept deterministic.
// Workflow files run in Temporal's sandbox and are replayed; Node builtins (fs, net, crypto, ...)
// and effectful packages there would break determinism, so they are forbidden in workflows/.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/', 'generated/', 'dist/', '.tools/', '.data/', 'test-results/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code must not use Node builtins (determinism, sandbox).' })),
            { name: '@temporalio/activity', message: 'Activities are not importable from workflow code.' },
            { name: '@temporalio/client', message: 'Clients are not usable from workflow code.' },
            { name: '@temporalio/worker', message: 'Worker code is not usable from workflow code.' },
            { name: 'nodemailer', message: 'Side effects belong in activities.' },
            { name: 'pg', message: 'Side effects belong in activities.' },
          ],
          patterns: [
            { group: ['**/activities/*', '**/generated/*', '**/db/*', '@prisma/*'], message: 'Side effects belong in activities; import only their types via `import type`.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
