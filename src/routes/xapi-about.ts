/** GET /xapi/about (xAPI-Communication.md §2.7): the versions served. Open to anyone, whatever the version header. */
import type { RequestHandler } from 'express';

export const XAPI_VERSIONS = ['1.0.3', '2.0.0'] as const;

export const getAbout: RequestHandler = (_req, res) => {
  res.json({ version: XAPI_VERSIONS, extensions: {} });
};
