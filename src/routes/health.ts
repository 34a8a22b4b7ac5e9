/** `GET /healthz`: 200 once the database answers, 503 otherwise (api.md). */
import type { Database } from '../models/database.js';
import { handle } from './http-error.js';

export const health = (db: Database) =>
  handle(async (_req, res) => {
    const up = await db.ping();
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable' });
  });
