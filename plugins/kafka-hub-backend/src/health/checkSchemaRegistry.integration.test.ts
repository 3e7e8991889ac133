import { localHttpServer } from '../testUtils/localHttpServer';
import { testServices, unusedPort } from '../testUtils/testServices';
import { checkSchemaRegistry } from './checkSchemaRegistry';

jest.setTimeout(30_000);

const registry = (url: string, timeoutMs = 5000) => ({ url, timeoutMs });

describe('checkSchemaRegistry', () => {
  it("reads the global compatibility from the real Apicurio's ccompat API", async () => {
    const health = await checkSchemaRegistry(
      registry(testServices.registryUrl),
      10_000,
    );
    expect(health).toMatchObject({
      status: 'up',
      details: { compatibility: expect.stringMatching(/^[A-Z_]+$/) },
    });
  });

  it('says when no registry is configured', async () => {
    expect(await checkSchemaRegistry(undefined, 1000)).toEqual({
      status: 'not-configured',
    });
  });

  it('reports connection refused', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/apis/ccompat/v7`;
    const health = await checkSchemaRegistry(registry(url), 5000);
    expect(health.status).toBe('down');
    expect(health.error).toMatch(/ECONNREFUSED/);
  });

  it('reports an HTTP 500 with the start of its body', async () => {
    const server = await localHttpServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"error_code":50001,"message":"Store is down"}');
    });
    try {
      const health = await checkSchemaRegistry(registry(server.url), 5000);
      expect(health).toEqual({
        status: 'down',
        error:
          'HTTP 500 from /config: {"error_code":50001,"message":"Store is down"}',
      });
    } finally {
      server.close();
    }
  });

  it('reports a garbage answer as malformed', async () => {
    const server = await localHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login</html>');
    });
    try {
      const health = await checkSchemaRegistry(registry(server.url), 5000);
      expect(health.status).toBe('down');
      expect(health.error).toBe(
        'Malformed JSON from /config: <html>login</html>',
      );
    } finally {
      server.close();
    }
  });

  it('gives up on a registry that never answers', async () => {
    const server = await localHttpServer(() => undefined);
    try {
      const health = await checkSchemaRegistry(
        registry(server.url, 30_000),
        800,
      );
      expect(health).toEqual({
        status: 'down',
        error: 'No answer within 800 ms',
      });
    } finally {
      server.close();
    }
  });

  it('sends basic auth and never puts the password in an error', async () => {
    let authorization: string | undefined;
    const server = await localHttpServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(401);
      res.end('{"message":"Unauthorized"}');
    });
    try {
      const health = await checkSchemaRegistry(
        {
          ...registry(server.url),
          username: 'sr-user',
          password: 'sr-secret-pw',
        },
        5000,
      );
      expect(authorization).toBe(
        `Basic ${Buffer.from('sr-user:sr-secret-pw').toString('base64')}`,
      );
      expect(health.status).toBe('down');
      expect(health.error).toContain('HTTP 401');
      expect(JSON.stringify(health)).not.toContain('sr-secret-pw');
    } finally {
      server.close();
    }
  });
});
