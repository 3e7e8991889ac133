import { execFile } from 'child_process';
import net from 'net';

/**
 * A TCP gate in front of a Kafka broker that a test opens and closes: the
 * bootstrap address of an environment whose runs the test must hold.
 * Clients reach the broker through the gate only for their first requests
 * (ApiVersions, Metadata): the metadata names the broker's own address, and
 * later connections go there. So a closed gate holds a provisioning run at
 * its first step ("Connecting to ...") for as long as the test wants, with
 * no sleep and no luck, and an open gate lets it run as usual.
 */
export interface KafkaGate {
  /** `127.0.0.1:<port>`: the environment's `kafka.brokers`. */
  readonly address: string;
  readonly port: number;
  /** New connections wait, their bytes unread, until `open`. */
  close(): void;
  /** Forwards every waiting connection and every later one. */
  open(): void;
  /** Connections waiting at the closed gate. */
  waiting(): number;
  /**
   * Pids of the processes with an established connection to the gate (by
   * `ss -tnp`, which sees every process when run as root; the tests run so).
   */
  connectedPids(): Promise<number[]>;
  /** Stops listening and drops every connection. */
  stop(): Promise<void>;
}

/** Starts a gate to `target` (`host:port`), closed or open. */
export async function startKafkaGate(
  target: string,
  options: { closed: boolean },
): Promise<KafkaGate> {
  const [host, portText] = target.split(':');
  const sockets = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let closed = options.closed;

  const forward = (socket: net.Socket) => {
    const upstream = net.connect(Number(portText), host);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
    socket.resume();
  };

  const server = net.createServer({ pauseOnConnect: true }, socket => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      held.delete(socket);
    });
    if (closed) {
      // Paused since accepted: its bytes stay unread, unanswered.
      held.add(socket);
    } else {
      forward(socket);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    address: `127.0.0.1:${port}`,
    port,
    close: () => {
      closed = true;
    },
    open: () => {
      closed = false;
      for (const socket of held) {
        held.delete(socket);
        if (!socket.destroyed) forward(socket);
      }
    },
    waiting: () => [...held].filter(s => !s.destroyed).length,
    connectedPids: () => connectedPids(port),
    stop: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Pids of processes with an established TCP connection to 127.0.0.1:port. */
function connectedPids(port: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'ss',
      ['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${port}`],
      (error, stdout) => {
        if (error) {
          reject(
            new Error(`ss -tnp failed (is iproute2 installed?): ${error}`),
          );
          return;
        }
        const pids = [...stdout.matchAll(/pid=(\d+)/g)].map(m => Number(m[1]));
        resolve([...new Set(pids)].sort((a, b) => a - b));
      },
    );
  });
}
