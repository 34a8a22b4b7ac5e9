/** The platform registry (ltijs's), as the admin API and the CLI see it. */
import type { Platform, Provider } from 'ltijs';

/** A platform as the admin API answers it (api.md). */
export interface PlatformSummary {
  id: string;
  issuer: string;
  clientId: string;
  name: string;
  active: boolean;
}

/** What an admin gives to register a platform by hand (api.md). */
export interface PlatformInput {
  issuer: string;
  clientId: string;
  name: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  /** The audience of token requests, where the LMS names one; default: the token URL. */
  authServer?: string;
}

export async function summarisePlatform(platform: Platform): Promise<PlatformSummary> {
  const [id, issuer, clientId, name, active] = await Promise.all([
    platform.platformId(),
    platform.platformUrl(),
    platform.platformClientId(),
    platform.platformName(),
    platform.platformActive(),
  ]);
  return { id, issuer, clientId, name, active };
}

export async function listPlatforms(lti: Provider): Promise<PlatformSummary[]> {
  const platforms = await Promise.all((await lti.getAllPlatforms()).map(summarisePlatform));
  return platforms.sort((a, b) => a.name.localeCompare(b.name) || a.issuer.localeCompare(b.issuer));
}

export type AddPlatformResult = { added: PlatformSummary } | { exists: PlatformSummary };

/**
 * Registers a platform by hand. A platform already registered under the same issuer and client
 * id is left as it is (ltijs would overwrite its endpoints): a registration never replaces one.
 */
export async function addPlatform(lti: Provider, input: PlatformInput): Promise<AddPlatformResult> {
  const existing = await lti.getPlatform(input.issuer, input.clientId);
  if (existing) return { exists: await summarisePlatform(existing) };
  const platform = await lti.registerPlatform({
    url: input.issuer,
    clientId: input.clientId,
    name: input.name,
    authenticationEndpoint: input.authUrl,
    accesstokenEndpoint: input.tokenUrl,
    authorizationServer: input.authServer,
    authConfig: { method: 'JWK_SET', key: input.jwksUrl },
  });
  // Registered by an admin on purpose: usable at once, whatever LTI_AUTO_ACTIVATE says of
  // dynamic registrations.
  await platform.platformActive(true);
  return { added: await summarisePlatform(platform) };
}

/** Activates or deactivates a platform; undefined when there is no platform with that id. */
export async function setPlatformActive(lti: Provider, id: string, active: boolean): Promise<PlatformSummary | undefined> {
  const platform = await lti.getPlatformById(id);
  if (!platform) return undefined;
  await platform.platformActive(active);
  return summarisePlatform(platform);
}
