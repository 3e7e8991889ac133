import http from 'http';
import { AddressInfo } from 'net';

/**
 * A loopback HTTP server answering every request with `handler`: a registry
 * that fails, answers garbage or never answers. `close` also drops open
 * connections so no socket outlives the test.
 */
export async function localHttpServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
