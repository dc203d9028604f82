// Values that test/global-setup.ts hands to test files (`inject(key)`); add a key per service.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL (`postgres` database) of the run's embedded PostgreSQL. */
    pgAdminUrl: string;
    /** Database holding the applied migrations; test databases are created from it. */
    pgTemplateDatabase: string;
    /** Workflow bundle built once for the run (scripts/build-workflow-bundle.ts). */
    workflowBundlePath: string;
  }
}
