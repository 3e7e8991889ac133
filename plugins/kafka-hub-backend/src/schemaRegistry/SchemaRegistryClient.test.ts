import http from 'http';
import { localHttpServer } from '../testUtils/localHttpServer';
import { unusedPort } from '../testUtils/testServices';
import { SchemaRegistryClient } from './SchemaRegistryClient';
import { registryErrorText, SchemaRegistryError } from './SchemaRegistryError';

jest.setTimeout(30_000);

type Answer = {
  status: number;
  body: string;
  headers?: http.OutgoingHttpHeaders;
};

/** A loopback registry that answers from a script and records the requests. */
async function scriptedRegistry(answers: Array<Answer | 'hang'>) {
  const requests: Array<{
    method?: string;
    url?: string;
    authorization?: string;
    contentType?: string;
    body: string;
  }> = [];
  const server = await localHttpServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      if (answer === 'hang') return;
      res.writeHead(answer.status, {
        'Content-Type': 'application/vnd.schemaregistry.v1+json',
        ...answer.headers,
      });
      res.end(answer.body);
    });
  });
  return { ...server, requests };
}

const ok = (body: unknown): Answer => ({
  status: 200,
  body: JSON.stringify(body),
});

describe('SchemaRegistryClient', () => {
  const servers: Array<{ close: () => void }> = [];
  afterEach(() => servers.splice(0).forEach(s => s.close()));

  async function registry(
    answers: Array<Answer | 'hang'>,
    options: {
      retries?: number;
      timeoutMs?: number;
      maxRetryDelayMs?: number;
    } = {},
  ) {
    const server = await scriptedRegistry(answers);
    servers.push(server);
    const client = new SchemaRegistryClient(
      {
        url: `${server.url}/ccompat`,
        timeoutMs: options.timeoutMs ?? 5000,
        username: 'sr-user',
        password: 'sr-secret-pw',
      },
      {
        retries: options.retries ?? 0,
        retryDelayMs: 20,
        maxRetryDelayMs: options.maxRetryDelayMs,
      },
    );
    return { server, client };
  }

  it('retries a 503 and a 500 with backoff, then returns the answer', async () => {
    const { server, client } = await registry(
      [
        { status: 503, body: 'busy' },
        { status: 500, body: '{"error_code":50001}' },
        ok(['a']),
      ],
      { retries: 2 },
    );
    expect(await client.listSubjects()).toEqual(['a']);
    expect(server.requests).toHaveLength(3);
    expect(client.requestCount).toBe(3);
  });

  it('honours Retry-After of a 429, bounded by the longest delay', async () => {
    const { server, client } = await registry(
      [
        { status: 429, body: 'slow down', headers: { 'Retry-After': '30' } },
        ok({ compatibilityLevel: 'FULL' }),
      ],
      { retries: 1, maxRetryDelayMs: 300 },
    );
    const started = Date.now();
    expect(await client.getGlobalCompatibility()).toBe('FULL');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5000);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the retries with the last error, naming path and status', async () => {
    const { server, client } = await registry(
      [{ status: 502, body: '<html>Bad gateway</html>' }],
      { retries: 2 },
    );
    const error = await client.listVersions('a b/c').catch(e => e);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error.message).toBe(
      'HTTP 502 from /subjects/a%20b%2Fc/versions: <html>Bad gateway</html>',
    );
    expect(error.status).toBe(502);
    expect(server.requests.map(r => r.url)).toEqual(
      Array(3).fill('/ccompat/subjects/a%20b%2Fc/versions'),
    );
  });

  it('does not retry a 404 or a 422', async () => {
    const { server, client } = await registry(
      [
        {
          status: 404,
          body: '{"error_code":40401,"message":"Subject not found"}',
        },
      ],
      { retries: 3 },
    );
    const error = await client.listVersions('x').catch(e => e);
    expect(error).toMatchObject({
      status: 404,
      errorCode: 40401,
      registryMessage: 'Subject not found',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('times out every attempt of a registry that never answers', async () => {
    const { server, client } = await registry(['hang'], {
      retries: 1,
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await client.listSubjects().catch(e => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.message).toBe('No answer within 300 ms');
    expect(registryErrorText(error)).toBe('/subjects: No answer within 300 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection with the path', async () => {
    const client = new SchemaRegistryClient({
      url: `http://127.0.0.1:${await unusedPort()}`,
      timeoutMs: 2000,
    });
    const error = await client.listSubjects({ deleted: true }).catch(e => e);
    expect(registryErrorText(error)).toMatch(
      /^\/subjects\?deleted=true: fetch failed: .*ECONNREFUSED/,
    );
  });

  it.each([
    [
      '/subjects',
      (c: SchemaRegistryClient) => c.listSubjects(),
      '<html>login</html>',
      'Malformed JSON from /subjects: <html>login</html>',
    ],
    [
      '/subjects',
      (c: SchemaRegistryClient) => c.listSubjects(),
      '{"subjects":[]}',
      'Malformed answer from /subjects: expected an array of subject names, got {"subjects":[]}',
    ],
    [
      '/subjects',
      (c: SchemaRegistryClient) => c.listSubjects(),
      '["a",7]',
      'Malformed answer from /subjects: expected only non-empty subject names, got 7',
    ],
    [
      'versions',
      (c: SchemaRegistryClient) => c.listVersions('s'),
      '[1,0]',
      'Malformed answer from /subjects/s/versions: expected only positive whole version numbers, got 0',
    ],
    [
      'version',
      (c: SchemaRegistryClient) => c.getVersion('s', 1),
      '{"version":1,"schema":"\\"string\\""}',
      'Malformed answer from /subjects/s/versions/1?deleted=true: id must be a whole number, got {"version":1,"schema":"\\"string\\""}',
    ],
    [
      'version',
      (c: SchemaRegistryClient) => c.getVersion('s', 1),
      '{"version":2,"id":3,"schema":"{}"}',
      'Malformed answer from /subjects/s/versions/1?deleted=true: asked for version 1, got 2',
    ],
    [
      'schemaType',
      (c: SchemaRegistryClient) => c.getSchemaById(3),
      '{"schema":"x","schemaType":"XML"}',
      'Malformed answer from /schemas/ids/3: schemaType must be one of AVRO, PROTOBUF, JSON, got "XML"',
    ],
    [
      'references',
      (c: SchemaRegistryClient) => c.getSchemaById(3),
      '{"schema":"x","references":[{"name":"a"}]}',
      'Malformed answer from /schemas/ids/3: a reference needs a name, a subject and a whole version, got {"name":"a"}',
    ],
    [
      'config',
      (c: SchemaRegistryClient) => c.getSubjectCompatibility('s'),
      '{"compatibilityLevel":"SOMETIMES"}',
      'Malformed answer from /config/s?defaultToGlobal=true: expected a compatibilityLevel of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE, got {"compatibilityLevel":"SOMETIMES"}',
    ],
    [
      'compatibility',
      (c: SchemaRegistryClient) =>
        c.checkCompatibilityWithVersion('s', 1, {
          schema: 'x',
          format: 'AVRO',
          references: [],
        }),
      '{"compatible":true}',
      'Malformed answer from /compatibility/subjects/s/versions/1?verbose=true: expected an is_compatible boolean, got {"compatible":true}',
    ],
  ])('names garbage from %s', async (_what, call, body, message) => {
    const { client } = await registry([{ status: 200, body }], { retries: 2 });
    await expect(call(client)).rejects.toThrow(message);
  });

  it('reads a version without schemaType as AVRO', async () => {
    const { client } = await registry([
      ok({ subject: 's', version: 1, id: 5, schema: '"string"' }),
    ]);
    expect(await client.getVersion('s', 1)).toEqual({
      subject: 's',
      version: 1,
      id: 5,
      schema: '"string"',
      format: 'AVRO',
      references: [],
    });
  });

  it('posts a compatibility check against one version with schemaType, references and verbose', async () => {
    const { server, client } = await registry([
      ok({
        is_compatible: false,
        messages: ['Incompatible: field removed', { x: 1 }],
      }),
    ]);
    expect(
      await client.checkCompatibilityWithVersion('a/b', 2, {
        schema: 'syntax = "proto3";',
        format: 'PROTOBUF',
        references: [{ name: 'm.proto', subject: 'm', version: 2 }],
      }),
    ).toEqual({
      compatible: false,
      messages: ['Incompatible: field removed', '{"x":1}'],
    });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/ccompat/compatibility/subjects/a%2Fb/versions/2?verbose=true',
      contentType: 'application/vnd.schemaregistry.v1+json',
    });
    expect(JSON.parse(server.requests[0].body)).toEqual({
      schema: 'syntax = "proto3";',
      schemaType: 'PROTOBUF',
      references: [{ name: 'm.proto', subject: 'm', version: 2 }],
    });
  });

  it('sends basic auth and never puts the password in an error', async () => {
    const { server, client } = await registry([
      { status: 401, body: '{"message":"Unauthorized"}' },
    ]);
    const error = await client.listSubjects().catch(e => e);
    expect(server.requests[0].authorization).toBe(
      `Basic ${Buffer.from('sr-user:sr-secret-pw').toString('base64')}`,
    );
    expect(error.message).toBe(
      'HTTP 401 from /subjects: {"message":"Unauthorized"}',
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(
      /sr-secret-pw|sr-user/,
    );
  });
});
