import { OAuthClientCredentialsConfig } from '../config/types';

/** Seconds before a token's expiry at which the next connection gets a new one. */
const REFRESH_MARGIN_SECONDS = 60;

/**
 * Fetches OAUTHBEARER tokens with the OAuth 2 client-credentials grant
 * (RFC 6749 section 4.4), as Kafka's own `OAuthBearerLoginCallbackHandler`
 * does, and reuses each until shortly before it expires. Concurrent
 * connections share one request.
 */
export function clientCredentialsTokenProvider(
  config: OAuthClientCredentialsConfig,
  timeoutMs: number,
): () => Promise<string> {
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scope) body.set('scope', config.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(config.clientId)}:${encodeURIComponent(
        config.clientSecret,
      )}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await fetch(config.tokenEndpointUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // fetch says only "fetch failed"; its cause names the socket error.
      const { message, cause } = error as Error & { cause?: Error };
      throw new Error(
        `OAuth token endpoint ${config.tokenEndpointUrl} did not answer: ${
          cause?.message ?? message
        }`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      // The body of an error response names the OAuth error; it holds no token.
      throw new Error(
        `OAuth token endpoint ${config.tokenEndpointUrl} answered ${
          response.status
        }: ${text.slice(0, 200)}`,
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `OAuth token endpoint ${config.tokenEndpointUrl} answered something that is not JSON`,
      );
    }
    if (typeof parsed.access_token !== 'string' || !parsed.access_token) {
      throw new Error(
        `OAuth token endpoint ${config.tokenEndpointUrl} answered without an access_token`,
      );
    }
    const expiresIn =
      typeof parsed.expires_in === 'number' ? parsed.expires_in : 300;
    cached = {
      token: parsed.access_token,
      refreshAt:
        Date.now() +
        Math.max(expiresIn - REFRESH_MARGIN_SECONDS, expiresIn / 2) * 1000,
    };
    return cached.token;
  }

  return async () => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
