import { execFile } from 'child_process';

const proxyScript = require.resolve(
  '../../../../scripts/services/registry-proxy.sh',
);

function registryProxySh(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [proxyScript, ...args],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `registry-proxy.sh ${args.join(' ')} failed (${
                error.code ?? error.signal
              }):\n${stdout}${stderr}`,
            ),
          );
        } else {
          resolve(stdout.trim());
        }
      },
    );
  });
}

/**
 * What the proxy process does with the requests a rule matches (see
 * scripts/services/registry-proxy.mjs): `status` answers that HTTP status
 * (500 unless told), `hang` never answers, `reset` drops the connection,
 * `garbage` answers 200 with a body that is not what the API promises.
 */
export type RegistryProxyRule = (
  | { fault: 'pass' | 'hang' | 'reset' }
  | { fault: 'status'; status?: number; body?: string }
  | { fault: 'garbage'; body?: string; contentType?: string }
) & {
  /** Requests whose path below the registry's base URL matches; default: all. */
  path?: RegExp | string;
  method?: string;
  /** How many requests the rule applies to; default: all until reset. */
  times?: number;
};

/** A request the proxy saw: its path below the base URL, when it came. */
export interface RegistryProxyRequest {
  method: string;
  path: string;
  subject?: string;
  at: string;
}

export interface RegistryProxyProcess {
  /** The registry's base URL through the proxy, for `schemaRegistry.url`. */
  readonly url: string;
  readonly controlUrl: string;
  /** Adds a rule, newest first; requests no rule matches pass. */
  fault(rule: RegistryProxyRule): Promise<void>;
  /** Every request passes again. */
  reset(): Promise<void>;
  /** The requests seen from the `since`-th on, and how many in all. */
  requests(
    since?: number,
  ): Promise<{ total: number; items: RegistryProxyRequest[] }>;
  stop(): Promise<void>;
}

/**
 * Starts the Schema Registry fault proxy process in front of the real
 * registry (default: Apicurio on 127.0.0.1:8081) with
 * scripts/services/registry-proxy.sh, and drives its control API. One proxy
 * process runs at a time: a running one is reused, its rules reset.
 */
export async function startRegistryProxy(
  upstream?: string,
): Promise<RegistryProxyProcess> {
  await registryProxySh('start', ...(upstream ? [upstream] : []));
  const url = await registryProxySh('url');
  const controlUrl = await registryProxySh('control-url');

  const control = async (method: string, urlPath: string, body?: unknown) => {
    const res = await fetch(`${controlUrl}${urlPath}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await res.json();
    if (!res.ok) {
      throw new Error(
        `registry proxy: ${method} ${urlPath} answered ${res.status}: ${answer.error}`,
      );
    }
    return answer;
  };

  // A proxy left running by an earlier test may still hold its faults.
  await control('POST', '/reset');

  return {
    url,
    controlUrl,
    fault: async rule => {
      await control('POST', '/faults', {
        ...rule,
        path: rule.path instanceof RegExp ? rule.path.source : rule.path,
      });
    },
    reset: async () => {
      await control('POST', '/reset');
    },
    requests: since => control('GET', `/requests?since=${since ?? 0}`),
    stop: async () => {
      await registryProxySh('stop');
    },
  };
}
