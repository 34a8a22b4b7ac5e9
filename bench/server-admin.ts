/**
 * Work on a PostgreSQL server outside any CoursePulse database — creating, dropping and marking
 * the benchmarks' and the crash test's throw-away databases — over a connection of its own.
 */
import pg from 'pg';

/** Runs `work` on a new connection to `serverUrl`, closed afterwards. */
export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The connection string of database `name` on the server of `serverUrl`. */
export const urlOfDatabase = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
