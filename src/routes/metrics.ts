/** `GET /metrics`: the app's telemetry in the Prometheus text format (src/observability/). */
import type { RequestHandler } from 'express';
import { EXPOSITION_CONTENT_TYPE } from '../observability/metrics-registry.js';
import type { Telemetry } from '../observability/telemetry.js';

export const getMetrics =
  (telemetry: Telemetry): RequestHandler =>
  (_req, res) => {
    res.setHeader('Content-Type', EXPOSITION_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    // end() rather than send(): send() would rewrite the content type's parameters.
    res.end(telemetry.registry.expose());
  };
