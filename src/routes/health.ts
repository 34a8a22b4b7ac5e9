/**
 * `GET /healthz`: liveness — 200 once the database answers, 503 otherwise (api.md).
 * `GET /readyz`: readiness — 200 only when this process may be sent traffic: the database
 * answers, the migrations are applied, the start-up rebuild is done and it is not shutting down;
 * else 503. Both bodies say why; neither is logged per request (app.ts).
 */
import type { Database } from '../models/database.js';
import { readinessReport, type Readiness } from '../observability/readiness.js';
import { handle } from './http-error.js';

export const health = (db: Database) =>
  handle(async (_req, res) => {
    const up = await db.ping();
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable' });
  });

export const ready = (db: Database, readiness: Readiness) =>
  handle(async (_req, res) => {
    const report = readinessReport(readiness.state(), await db.ping());
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
