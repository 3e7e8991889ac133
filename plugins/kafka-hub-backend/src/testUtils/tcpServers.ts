import net from 'net';

export interface LocalTcpServer {
  /** `127.0.0.1:<port>`, to use as a broker address. */
  address: string;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

async function listen(
  onConnection: (socket: net.Socket) => void,
  port = 0,
): Promise<LocalTcpServer & { port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    port: actual,
    address: `127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A broker that accepts connections and never answers: a run against it
 * stays in progress until the client's request timeout, or until `close`.
 */
export function silentBroker(): Promise<LocalTcpServer> {
  return listen(() => {});
}

/**
 * A TCP forwarder to `target` that can be stopped and started again on the
 * same port: a cluster whose bootstrap address goes down and comes back,
 * without touching the shared test broker.
 */
export async function tcpProxy(target: string) {
  const [host, portText] = target.split(':');
  const forward = (socket: net.Socket) => {
    const upstream = net.connect(Number(portText), host);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  };
  let server = await listen(forward);
  const { port, address } = server;
  let running = true;
  return {
    address,
    async stop() {
      if (running) await server.close();
      running = false;
    },
    async start() {
      if (!running) server = await listen(forward, port);
      running = true;
    },
  };
}
