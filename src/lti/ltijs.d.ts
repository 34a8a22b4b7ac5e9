/**
 * The part of ltijs 5.9.9 CoursePulse uses. `@types/ltijs` describes ltijs 4, so these are
 * written from ltijs's source (`dist/Provider/Provider.js`, `dist/Utils/Platform.js`).
 */
declare module 'ltijs' {
  import type { Express, NextFunction, Request, Response } from 'express';

  export interface AuthConfig {
    method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY';
    key: string;
  }

  export interface PlatformRegistration {
    url: string;
    clientId: string;
    name: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authorizationServer?: string;
    authConfig: AuthConfig;
  }

  export interface Platform {
    platformId(): Promise<string>;
    platformUrl(): Promise<string>;
    platformClientId(): Promise<string>;
    platformName(name?: string): Promise<string>;
    platformActive(active?: boolean): Promise<boolean>;
    platformAuthEndpoint(): Promise<string>;
    platformAccessTokenEndpoint(): Promise<string>;
    platformAuthorizationServer(): Promise<string>;
    platformAuthConfig(): Promise<AuthConfig>;
    platformPublicKey(): Promise<string>;
    platformPrivateKey(): Promise<string>;
    delete(): Promise<true>;
  }

  export interface ProviderOptions {
    appRoute?: string;
    loginRoute?: string;
    keysetRoute?: string;
    dynRegRoute?: string;
    ltiaas?: boolean;
    cors?: boolean;
    devMode?: boolean;
    tokenMaxAge?: number | false;
    cookies?: { secure?: boolean; sameSite?: 'None' | 'Lax' | 'Strict'; domain?: string };
    dynReg?: {
      url: string;
      name: string;
      logo?: string;
      description?: string;
      redirectUris?: string[];
      customParameters?: Record<string, string>;
      autoActivate?: boolean;
      useDeepLinking?: boolean;
    };
    serverAddon?: (app: Express) => void;
  }

  export type LtiHandler = (token: any, req: Request, res: Response, next: NextFunction) => unknown;
  export type LtiRequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;

  export interface Provider {
    app: Express;
    Database: unknown;
    setup(encryptionKey: string, database: { plugin: unknown }, options: ProviderOptions): Provider;
    deploy(options: { serverless: boolean; silent?: boolean }): Promise<true>;
    close(options?: { silent?: boolean }): Promise<true>;
    onConnect(handler: LtiHandler): true;
    onDeepLinking(handler: LtiHandler): true;
    onInvalidToken(handler: LtiRequestHandler): true;
    onSessionTimeout(handler: LtiRequestHandler): true;
    onUnregisteredPlatform(handler: LtiRequestHandler): true;
    onInactivePlatform(handler: LtiRequestHandler): true;
    whitelist(...routes: Array<string | RegExp | { route: string | RegExp; method: string }>): true;
    registerPlatform(platform: PlatformRegistration): Promise<Platform>;
    getPlatform(url: string, clientId: string): Promise<Platform | false>;
    getPlatformById(id: string): Promise<Platform | false>;
    getAllPlatforms(): Promise<Platform[]>;
    deletePlatformById(id: string): Promise<true>;
    NamesAndRoles: { getMembers(token: unknown, options?: Record<string, unknown>): Promise<any> };
  }

  export const Provider: Provider;
}
