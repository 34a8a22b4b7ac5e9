/** The admin API's platform endpoints (api.md): list, manual registration, activate, deactivate. */
import type { Provider } from 'ltijs';
import { z } from 'zod';
import { addPlatform, listPlatforms, setPlatformActive } from '../lti/platforms.js';
import { HttpError, handle, parseOr400 } from './http-error.js';

const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const platformInput = z.strictObject({
  issuer: webUrl,
  clientId: z.string().trim().min(1, 'must not be empty').max(255),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  authUrl: webUrl,
  tokenUrl: webUrl,
  jwksUrl: webUrl,
  /** The audience of the tool's token requests where the LMS names one (Brightspace's "OAuth2 Audience"); default: tokenUrl. */
  authServer: webUrl.optional(),
});

// ltijs's platform ids are 32 hex characters; anything else cannot name a platform.
const platformId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

export const getPlatforms = (lti: Provider) =>
  handle(async (_req, res) => {
    res.json(await listPlatforms(lti));
  });

export const postPlatform = (lti: Provider) =>
  handle(async (req, res) => {
    const input = parseOr400(platformInput, req.body, 'platform');
    const result = await addPlatform(lti, input);
    if ('exists' in result) {
      throw new HttpError(409, `a platform with issuer ${input.issuer} and client id ${input.clientId} is already registered (id ${result.exists.id})`);
    }
    req.log.info({ platform: result.added }, 'platform registered by an admin');
    res.status(201).json(result.added);
  });

export const postPlatformActive = (lti: Provider, active: boolean) =>
  handle(async (req, res) => {
    const id = platformId.safeParse(req.params.id);
    const platform = id.success ? await setPlatformActive(lti, id.data, active) : undefined;
    if (!platform) throw new HttpError(404, `no platform with id ${req.params.id}`);
    req.log.info({ platform }, active ? 'platform activated' : 'platform deactivated');
    res.json(platform);
  });
