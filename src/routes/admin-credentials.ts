/** The admin API's ingest credentials (api.md): make one for a platform (the secret shown once), list, revoke. */
import type { Provider } from 'ltijs';
import { z } from 'zod';
import { issueIngestCredential } from '../ingest/credential-secret.js';
import type { Database } from '../models/database.js';
import { listIngestCredentials, revokeIngestCredential, type IngestCredential } from '../models/ingest-credentials.js';
import { HttpError, handle, parseOr400 } from './http-error.js';

const credentialInput = z.strictObject({ label: z.string().trim().min(1).max(200).optional() }).default({});
const platformId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/** What a credential looks like in the API: never its secret. */
function shown(credential: IngestCredential) {
  return {
    key: credential.key,
    platformId: credential.platformId,
    label: credential.label,
    createdAt: credential.createdAt.toISOString(),
    revokedAt: credential.revokedAt?.toISOString() ?? null,
    lastUsedAt: credential.lastUsedAt?.toISOString() ?? null,
  };
}

async function knownPlatform(lti: Provider, id: unknown): Promise<string> {
  const parsed = platformId.safeParse(id);
  if (!parsed.success || !(await lti.getPlatformById(parsed.data))) throw new HttpError(404, `no platform with id ${String(id)}`);
  return parsed.data;
}

/** The endpoints an LMS is given with a credential. */
export const ingestEndpoints = (publicUrl: string) => ({ endpoint: `${publicUrl}/xapi/`, caliperEndpoint: `${publicUrl}/caliper` });

export const postCredential = (db: Database, lti: Provider, publicUrl: string, now: () => Date) =>
  handle(async (req, res) => {
    const id = await knownPlatform(lti, req.params.id);
    const input = parseOr400(credentialInput, req.body ?? {}, 'credential');
    const { credential, secret } = await issueIngestCredential(db, id, input.label ?? null, now());
    req.log.info({ key: credential.key, platformId: id }, 'ingest credential made');
    res.status(201).json({ ...shown(credential), secret, ...ingestEndpoints(publicUrl) });
  });

export const getCredentials = (db: Database, lti: Provider) =>
  handle(async (req, res) => {
    const id = await knownPlatform(lti, req.params.id);
    res.json((await listIngestCredentials(db, id)).map(shown));
  });

export const deleteCredential = (db: Database, now: () => Date) =>
  handle(async (req, res) => {
    const key = String(req.params.key);
    const revoked = /^[A-Za-z0-9_-]{1,100}$/.test(key) ? await revokeIngestCredential(db, key, now()) : undefined;
    if (!revoked) throw new HttpError(404, `no credential with key ${key}`);
    req.log.info({ key }, 'ingest credential revoked');
    res.status(204).end();
  });
