/** mocha root hooks: say which database the run uses; drop the server databases it made. */
import { BACKEND, dropTestDatabases } from './databases.js';

export const mochaHooks = {
  beforeAll(): void {
    console.log(`  database under test: ${BACKEND === 'postgres' ? 'PostgreSQL server (DATABASE_URL)' : 'PGlite (embedded)'}`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    // One DROP per test database: a thousand of them take longer than a test may on a busy machine.
    this.timeout(15 * 60_000);
    await dropTestDatabases();
  },
};
