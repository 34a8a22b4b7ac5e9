/** The route table: every URL CoursePulse answers, one line each (handlers live beside this file). */
import express, { type RequestHandler, type Router } from 'express';
import type { Provider } from 'ltijs';
import { LTI_MOUNT } from '../lti/provider.js';
import type { Database } from '../models/database.js';
import { getPlatforms, postPlatform, postPlatformActive } from './admin-platforms.js';
import { health } from './health.js';
import { HttpError } from './http-error.js';
import { requireAdmin } from './require-admin.js';

export interface RouteDeps {
  db: Database;
  lti: Provider;
  adminToken: string;
}

const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    return next(new HttpError(415, 'send the request body as JSON (Content-Type: application/json)'));
  }
  next();
};

export function routes({ db, lti, adminToken }: RouteDeps): Router {
  const router = express.Router();
  router.get('/healthz', health(db));

  const admin = express.Router();
  admin.use(requireAdmin(adminToken), requireJsonBody, express.json({ limit: '100kb' }));
  admin.get('/platforms', getPlatforms(lti));
  admin.post('/platforms', postPlatform(lti));
  admin.post('/platforms/:id/activate', postPlatformActive(lti, true));
  admin.post('/platforms/:id/deactivate', postPlatformActive(lti, false));
  router.use('/admin/api', admin);

  // ltijs's own app: /lti/login, /lti/launch, /lti/keys, /lti/register (api.md).
  router.use(LTI_MOUNT, lti.app);
  return router;
}
