import http from 'http';
import { localHttpServer } from '../../testUtils/localHttpServer';

/**
 * What the proxy does with one request:
 * - `pass`: forwards it to the real registry;
 * - `error`: answers an HTTP error status (500 unless told) without asking the registry;
 * - `hang`: never answers (until the proxy closes);
 * - `reset`: destroys the connection without an answer;
 * - `garbage`: answers 200 with a body that is not what the API promises
 *   (HTML, truncated JSON, JSON of the wrong shape);
 * - `json`: answers 200 with a made-up JSON body, for what the real registry
 *   refuses to hold (Apicurio's subjects are at most 512 characters);
 * - `hold`: waits until the test releases it, then does what it is told.
 */
export type RegistryFault =
  | { kind: 'pass' }
  | {
      kind: 'error';
      status?: number;
      body?: string;
      headers?: Record<string, string>;
    }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'garbage'; body: string; contentType?: string }
  | { kind: 'json'; body: unknown }
  | { kind: 'hold'; gate: Gate };

/** A request as the proxy saw it, its path below the registry's base URL. */
export interface ProxiedRequest {
  method: string;
  /** Still URL-encoded, with the query: `/subjects/a%2Fb/versions?deleted=true`. */
  path: string;
  /** The subject a `/subjects/{subject}/...` or `/config/{subject}` path names, decoded. */
  subject?: string;
}

type FinalFault = Exclude<RegistryFault, { kind: 'hold' }>;

/** A hold the test releases: `arrived` resolves when a request reached it. */
export interface Gate {
  arrived: Promise<ProxiedRequest>;
  release(then?: FinalFault): void;
  /** For the proxy: reports the arrival, then waits for the release. */
  wait(request: ProxiedRequest): Promise<FinalFault>;
}

/** A gate for one request (a second request at it is let through with the first). */
export function gate(): Gate {
  let arrive!: (request: ProxiedRequest) => void;
  let release!: (then: FinalFault) => void;
  const arrived = new Promise<ProxiedRequest>(resolve => (arrive = resolve));
  const released = new Promise<FinalFault>(resolve => (release = resolve));
  return {
    arrived,
    release: (then = { kind: 'pass' }) => release(then),
    wait: request => {
      arrive(request);
      return released;
    },
  };
}

type Rule = {
  matches: (request: ProxiedRequest) => boolean;
  fault: RegistryFault;
  /** How many more requests the rule applies to; Infinity until removed. */
  times: number;
};

/**
 * A loopback HTTP proxy in front of the real registry that can be switched
 * per request to pass, fail with a status, hang, reset the connection or
 * answer garbage. Rules are tried newest first; a request no rule matches
 * passes. With `onlySubjects`, forwarded subject listings keep only those
 * subjects, so the shared registry looks like it holds only a test's own.
 */
export async function registryFaultProxy(
  registryUrl: string,
  options: {
    onlySubjects?: (subject: string) => boolean;
    /** Subjects added to every forwarded listing (made-up ones answered by `json` rules). */
    extraSubjects?: () => string[];
  } = {},
) {
  const target = new URL(registryUrl);
  const basePath = target.pathname.replace(/\/$/, '');
  let rules: Rule[] = [];
  const requests: ProxiedRequest[] = [];
  const listeners = new Set<(request: ProxiedRequest) => void>();

  const forward = async (
    request: ProxiedRequest,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ) => {
    const upstream = await fetch(`${target.origin}${basePath}${request.path}`, {
      method: request.method,
      headers: {
        accept: req.headers.accept ?? '*/*',
        ...(req.headers['content-type']
          ? { 'content-type': req.headers['content-type'] }
          : {}),
      },
      body: body.length > 0 ? body : undefined,
    });
    let text = await upstream.text();
    if (
      upstream.ok &&
      /^\/subjects(\?|$)/.test(request.path) &&
      (options.onlySubjects || options.extraSubjects)
    ) {
      const only = options.onlySubjects ?? (() => true);
      const subjects = (JSON.parse(text) as string[]).filter(only);
      text = JSON.stringify([
        ...subjects,
        ...(options.extraSubjects?.() ?? []),
      ]);
    }
    res.writeHead(upstream.status, {
      'Content-Type':
        upstream.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  };

  const answer = async (
    fault: RegistryFault,
    request: ProxiedRequest,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<void> => {
    switch (fault.kind) {
      case 'pass':
        return forward(request, req, body, res);
      case 'error':
        res.writeHead(fault.status ?? 500, {
          'Content-Type': 'text/plain',
          ...fault.headers,
        });
        res.end(fault.body ?? 'Internal Server Error');
        return undefined;
      case 'hang':
        return undefined;
      case 'reset':
        req.socket.destroy();
        return undefined;
      case 'garbage':
        res.writeHead(200, {
          'Content-Type': fault.contentType ?? 'application/json',
        });
        res.end(fault.body);
        return undefined;
      case 'json':
        res.writeHead(200, {
          'Content-Type': 'application/vnd.schemaregistry.v1+json',
        });
        res.end(JSON.stringify(fault.body));
        return undefined;
      case 'hold': {
        return answer(await fault.gate.wait(request), request, req, body, res);
      }
      default:
        return undefined;
    }
  };

  const server = await localHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const path = url.startsWith(basePath) ? url.slice(basePath.length) : url;
      const subjectMatch = /^\/(?:subjects|config)\/([^/?]+)/.exec(path);
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        path,
        subject: subjectMatch ? decodeURIComponent(subjectMatch[1]) : undefined,
      };
      requests.push(request);
      for (const listener of listeners) listener(request);
      const rule = rules.find(r => r.times > 0 && r.matches(request));
      if (rule) rule.times--;
      answer(
        rule?.fault ?? { kind: 'pass' },
        request,
        req,
        Buffer.concat(chunks),
        res,
      ).catch(error => {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`Proxy error: ${error}`);
      });
    });
  });

  return {
    /** The registry's base URL through the proxy. */
    url: `${server.url}${basePath}`,
    /** Every request seen, in order of arrival. */
    requests,
    /** Applies `fault` to matching requests, `times` of them (default: all). */
    on(
      matches: (request: ProxiedRequest) => boolean,
      fault: RegistryFault,
      times = Infinity,
    ): void {
      rules.unshift({ matches, fault, times });
    },
    /** Every request passes again. */
    reset(): void {
      rules = [];
    },
    /** Resolves with the next request that matches, as it arrives. */
    next(
      matches: (request: ProxiedRequest) => boolean,
    ): Promise<ProxiedRequest> {
      return new Promise(resolve => {
        const listener = (request: ProxiedRequest) => {
          if (matches(request)) {
            listeners.delete(listener);
            resolve(request);
          }
        };
        listeners.add(listener);
      });
    },
    close: server.close,
  };
}

export type RegistryFaultProxy = Awaited<ReturnType<typeof registryFaultProxy>>;

/** Matchers of the requests a sync sends. */
export const requestsTo = {
  listing: (r: ProxiedRequest) => /^\/subjects(\?|$)/.test(r.path),
  subject: (subject: string) => (r: ProxiedRequest) => r.subject === subject,
  versionsOf: (subject: string) => (r: ProxiedRequest) =>
    r.subject === subject && /^\/subjects\/[^/?]+\/versions(\?|$)/.test(r.path),
  any: () => true,
};
