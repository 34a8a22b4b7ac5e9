/**
 * Sends a body exactly as given: superagent would otherwise serialise a Buffer sent with a JSON
 * type as `{"type":"Buffer",…}`, and give a string without a type the form type.
 */
import type supertest from 'supertest';

/** `test` with `body` as its bytes and `contentType` as its Content-Type (none when undefined). */
export function withBody(test: supertest.Test, body: string | Buffer, contentType: string | undefined): supertest.Test {
  if (contentType !== undefined) test.set('Content-Type', contentType);
  // A Buffer gets no type of superagent's; a string would get the form type.
  const payload = contentType === undefined && typeof body === 'string' ? Buffer.from(body) : body;
  return test.serialize((data: unknown) => data as string).send(payload);
}
