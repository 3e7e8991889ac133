import http from 'http';
import { localHttpServer } from '../testUtils/localHttpServer';
import { unusedPort } from '../testUtils/testServices';
import { clientCredentialsTokenProvider } from './oauthBearerToken';

const CLIENT_ID = 'kafka-hub client';
const CLIENT_SECRET = 's3cr3t:&=value';

interface TokenRequest {
  method?: string;
  authorization?: string;
  contentType?: string;
  body: URLSearchParams;
}

/** A token endpoint that records each request and answers with `answer`. */
async function tokenEndpoint(
  answer: (request: TokenRequest, response: http.ServerResponse) => void,
) {
  const requests: TokenRequest[] = [];
  const server = await localHttpServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const request = {
        method: req.method,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: new URLSearchParams(body),
      };
      requests.push(request);
      answer(request, res);
    });
  });
  return { ...server, requests };
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const config = (tokenEndpointUrl: string, scope?: string) => ({
  tokenEndpointUrl,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scope,
});

/** The rejection message of `promise`. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('clientCredentialsTokenProvider', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks for a token with the client-credentials grant and HTTP Basic client authentication', async () => {
    let issued = 0;
    const endpoint = await tokenEndpoint((_req, res) =>
      json(res, 200, {
        access_token: `token-${++issued}`,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
    try {
      const token = clientCredentialsTokenProvider(
        config(`${endpoint.url}/oauth2/token`, 'kafka:read kafka:write'),
        5_000,
      );
      expect(await token()).toBe('token-1');
      expect(endpoint.requests).toHaveLength(1);
      const [request] = endpoint.requests;
      expect(request.method).toBe('POST');
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(request.body)).toEqual({
        grant_type: 'client_credentials',
        scope: 'kafka:read kafka:write',
      });
      // RFC 6749 2.3.1: id and secret form-encoded, then Basic.
      const [scheme, credentials] = request.authorization!.split(' ');
      expect(scheme).toBe('Basic');
      const [id, secret] = Buffer.from(credentials, 'base64')
        .toString()
        .split(':');
      expect(decodeURIComponent(id)).toBe(CLIENT_ID);
      expect(decodeURIComponent(secret)).toBe(CLIENT_SECRET);
    } finally {
      endpoint.close();
    }
  });

  it('sends no scope when none is configured', async () => {
    const endpoint = await tokenEndpoint((_req, res) =>
      json(res, 200, { access_token: 't', expires_in: 600 }),
    );
    try {
      await clientCredentialsTokenProvider(config(endpoint.url), 5_000)();
      expect(endpoint.requests[0].body.has('scope')).toBe(false);
    } finally {
      endpoint.close();
    }
  });

  it('reuses a token until a minute before it expires, then fetches a new one', async () => {
    let issued = 0;
    const endpoint = await tokenEndpoint((_req, res) =>
      json(res, 200, { access_token: `token-${++issued}`, expires_in: 600 }),
    );
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const token = clientCredentialsTokenProvider(config(endpoint.url), 5_000);
      expect(await token()).toBe('token-1');
      now += 539_000; // 9 min later: still more than a minute left
      expect(await token()).toBe('token-1');
      expect(endpoint.requests).toHaveLength(1);
      now += 2_000; // less than a minute left
      expect(await token()).toBe('token-2');
      expect(endpoint.requests).toHaveLength(2);
    } finally {
      endpoint.close();
    }
  });

  it('refreshes a short-lived token at half its life', async () => {
    let issued = 0;
    const endpoint = await tokenEndpoint((_req, res) =>
      json(res, 200, { access_token: `token-${++issued}`, expires_in: 60 }),
    );
    let now = 5_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const token = clientCredentialsTokenProvider(config(endpoint.url), 5_000);
      expect(await token()).toBe('token-1');
      now += 29_000;
      expect(await token()).toBe('token-1');
      now += 2_000;
      expect(await token()).toBe('token-2');
    } finally {
      endpoint.close();
    }
  });

  it('shares one request among concurrent connections', async () => {
    const endpoint = await tokenEndpoint((_req, res) =>
      json(res, 200, { access_token: 'shared', expires_in: 600 }),
    );
    try {
      const token = clientCredentialsTokenProvider(config(endpoint.url), 5_000);
      expect(await Promise.all([token(), token(), token()])).toEqual([
        'shared',
        'shared',
        'shared',
      ]);
      expect(endpoint.requests).toHaveLength(1);
    } finally {
      endpoint.close();
    }
  });

  it('names the endpoint and its OAuth error, never the client secret, and tries again next time', async () => {
    let fail = true;
    const endpoint = await tokenEndpoint((_req, res) =>
      fail
        ? json(res, 401, {
            error: 'invalid_client',
            error_description: 'Client authentication failed',
          })
        : json(res, 200, { access_token: 'after-fix', expires_in: 600 }),
    );
    try {
      const token = clientCredentialsTokenProvider(config(endpoint.url), 5_000);
      const message = await failure(token());
      expect(message).toBe(
        `OAuth token endpoint ${endpoint.url} answered 401: {"error":"invalid_client","error_description":"Client authentication failed"}`,
      );
      expect(message).not.toContain(CLIENT_SECRET);
      fail = false;
      expect(await token()).toBe('after-fix');
    } finally {
      endpoint.close();
    }
  });

  it('refuses an answer that is not JSON or has no access_token', async () => {
    let body = 'not json';
    const endpoint = await tokenEndpoint((_req, res) => {
      res.writeHead(200);
      res.end(body);
    });
    try {
      const token = clientCredentialsTokenProvider(config(endpoint.url), 5_000);
      expect(await failure(token())).toBe(
        `OAuth token endpoint ${endpoint.url} answered something that is not JSON`,
      );
      body = JSON.stringify({ token_type: 'Bearer' });
      expect(await failure(token())).toBe(
        `OAuth token endpoint ${endpoint.url} answered without an access_token`,
      );
    } finally {
      endpoint.close();
    }
  });

  it('says when the endpoint does not answer', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/token`;
    const message = await failure(
      clientCredentialsTokenProvider(config(url), 5_000)(),
    );
    expect(message).toBe(
      `OAuth token endpoint ${url} did not answer: connect ECONNREFUSED ${
        new URL(url).host
      }`,
    );
    expect(message).not.toContain(CLIENT_SECRET);
  });
});
