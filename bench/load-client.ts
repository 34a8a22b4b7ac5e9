/**
 * The load benchmark's HTTP client: one request over a keep-alive agent (node:http, no
 * dependency), answered as a status, or as a network failure or a time-out — never thrown, since
 * a refused or dropped request is a result to count, not a reason to stop. The body is read to
 * its end (and not decoded: the time is the server's and the wire's, not ours).
 */
import http from 'node:http';

export interface Answer {
  /**
   * The HTTP status; or `error ECONNRESET`, `error ECONNREFUSED`… (no answer: the socket's error
   * code, which tells a server that closed a connection from one that was not there), or `timeout`.
   */
  status: number | `error ${string}` | 'timeout';
  /** `Retry-After` in seconds, when the answer has one. */
  retryAfter?: number;
  /** The body, when asked for (`keepBody`). */
  body?: string;
}

export interface ClientRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Keep the body (the launch, the admin API); the load does not. */
  keepBody?: boolean;
}

/** Long enough for any answer under load; a request past it is a failure. */
const TIMEOUT_MS = 30_000;

const failure = (err: NodeJS.ErrnoException): `error ${string}` => `error ${err.code ?? err.message}`;

export function send(base: URL, agent: http.Agent, r: ClientRequest): Promise<Answer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: Answer) => {
      if (done) return;
      done = true;
      resolve(answer);
    };
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) };
    const req = http.request(new URL(r.path, base), { method: r.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (r.keepBody) chunks.push(chunk);
      });
      res.on('end', () => {
        const retry = Number(res.headers['retry-after']);
        finish({
          status: res.statusCode ?? 0,
          ...(Number.isFinite(retry) && res.headers['retry-after'] !== undefined ? { retryAfter: retry } : {}),
          ...(r.keepBody ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        });
      });
      res.on('error', (err: NodeJS.ErrnoException) => finish({ status: failure(err) }));
    });
    req.setTimeout(TIMEOUT_MS, () => {
      finish({ status: 'timeout' });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ status: failure(err) }));
    req.end(r.body);
  });
}
