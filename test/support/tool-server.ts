/**
 * An HTTP server for the tool on a real loopback port, bound before the app exists so that
 * PUBLIC_URL can name the port: the test platform fetches the tool's JWKS over HTTP when it
 * checks a client assertion (the same pattern as launch.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ToolServer {
  url: string;
  serve(app: Express): void;
  close(): Promise<void>;
}

export async function toolServer(): Promise<ToolServer> {
  let app: Express | undefined;
  const server = http.createServer((req, res) => {
    if (app) return app(req, res);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (a) => (app = a),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
