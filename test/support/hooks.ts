/** mocha root hooks: say which database the run uses; drop the server databases it made. */
import { BACKEND, dropTestDatabases } from './databases.js';

export const mochaHooks = {
  beforeAll(): void {
    console.log(`  database under test: ${BACKEND === 'postgres' ? 'PostgreSQL server (DATABASE_URL)' : 'PGlite (embedded)'}`);
  },
  async afterAll(): Promise<void> {
    await dropTestDatabases();
  },
};
