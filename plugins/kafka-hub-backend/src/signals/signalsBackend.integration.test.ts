import {
  AuthService,
  coreServices,
  LoggerService,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  kafkaHubEntityChannel,
  KafkaHubSignal,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import http from 'http';
import { AddressInfo } from 'net';
import { KafkaHubEvents } from '../events/KafkaHubEvents';
import { KafkaHubSignals } from './KafkaHubSignals';

jest.setTimeout(60_000);

/**
 * Kafka Hub's signals through the real signals backend, over WebSockets:
 * a member of the owning team receives them, a member of another team who
 * subscribed to the same channel does not.
 */

const ORDERS = 'component:default/orders';
const PAYMENTS = 'component:default/payments';
const OWNERS = new Map([
  [ORDERS, 'group:default/team-a'],
  [PAYMENTS, 'group:default/team-b'],
]);
/** Sign-in tokens (WebSocket subprotocols are plain tokens) and who they are. */
const USERS: Record<string, { user: string; teams: string[] }> = {
  'alice-token': {
    user: 'user:default/alice',
    teams: ['group:default/team-a'],
  },
  'bob-token': { user: 'user:default/bob', teams: ['group:default/team-b'] },
};

/** The mock auth, with the tokens above for the two users. */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: {},
  factory(): AuthService {
    const auth = mockServices.auth();
    return {
      ...auth,
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      authenticate: async (token, options) =>
        auth.authenticate(
          USERS[token] ? mockCredentials.user.token(USERS[token].user) : token,
          options,
        ),
      getOwnServiceCredentials: auth.getOwnServiceCredentials.bind(auth),
      getPluginRequestToken: auth.getPluginRequestToken.bind(auth),
      getLimitedUserToken: auth.getLimitedUserToken.bind(auth),
      getNoneCredentials: auth.getNoneCredentials.bind(auth),
      listPublicServiceKeys: auth.listPublicServiceKeys.bind(auth),
    };
  },
});

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as {
        userEntityRef: string;
      };
      const known = Object.values(USERS).find(u => u.user === userEntityRef);
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(known?.teams ?? [])],
      };
    },
  }),
});

/**
 * The backend's logs, so the test knows when the signals backend has read
 * a subscription (the protocol acknowledges none).
 */
const debugLines: string[] = [];
let onDebug = () => {};
const recordingLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: message => {
    debugLines.push(message);
    onDebug();
  },
  child: () => recordingLogger,
};
const loggerFactory = createServiceFactory({
  service: coreServices.logger,
  deps: {},
  factory: () => recordingLogger,
});

async function subscriptionsRead(count: number) {
  const read = () =>
    debugLines.filter(line => / subscribed to /.test(line)).length;
  const nextLine = () =>
    new Promise<void>(resolve => {
      onDebug = resolve;
    });
  while (read() < count) {
    await nextLine();
  }
}

/** A WebSocket of one user with what it received. */
interface Connection {
  socket: WebSocket;
  received: Array<{ channel: string; message: KafkaHubSignal }>;
  /** Resolves at the next message. */
  next: () => Promise<void>;
}

/**
 * The signals backend starts listening for WebSocket upgrades at the first
 * request with an Upgrade header that reaches its routes, and leaves that
 * request unanswered: send one, and drop it once the listener is there.
 */
async function primeUpgrades(server: http.Server, port: number) {
  const listening = new Promise<void>(resolve => {
    const onListener = (event: string | symbol) => {
      if (event !== 'upgrade') return;
      server.off('newListener', onListener);
      resolve();
    };
    server.on('newListener', onListener);
  });
  // Without Connection: Upgrade, Node hands it to the routes as a plain request.
  const request = http.request({
    host: 'localhost',
    port,
    path: '/api/signals',
    headers: { Upgrade: 'websocket' },
  });
  request.on('error', () => {});
  request.end();
  await listening;
  request.destroy();
}

async function connect(url: string, token: string): Promise<Connection> {
  const socket = new WebSocket(url, token);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener(
      'error',
      () => reject(new Error(`Could not connect to ${url}`)),
      { once: true },
    );
  });
  let arrived = () => {};
  const connection: Connection = {
    socket,
    received: [],
    next: () =>
      new Promise<void>(resolve => {
        arrived = resolve;
      }),
  };
  socket.addEventListener('message', event => {
    connection.received.push(JSON.parse(String(event.data)));
    arrived();
  });
  return connection;
}

function subscribe(connection: Connection, channel: string) {
  connection.socket.send(JSON.stringify({ action: 'subscribe', channel }));
}

describe('Kafka Hub signals through the signals backend', () => {
  it("reach a subscribed member of the owning team, never another team's member on the same channel", async () => {
    let events: KafkaHubEvents | undefined;
    const probe = createBackendPlugin({
      pluginId: 'kafka-hub-signals-probe',
      register(env) {
        env.registerInit({
          deps: { signals: signalsServiceRef, logger: coreServices.logger },
          async init({ signals, logger }) {
            events = new KafkaHubEvents(logger);
            events.subscribe(
              'signals',
              new KafkaHubSignals({
                signals,
                ownersOf: async refs =>
                  new Map(refs.map(ref => [ref, OWNERS.get(ref)!])),
                adminRecipients: [],
                logger,
              }).onEvent,
            );
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        signalsPlugin,
        loggerFactory,
        probe,
        eventsServiceFactory,
        authFactory,
        userInfoFactory,
      ],
    });
    const { port } = server.address() as AddressInfo;
    const url = `ws://localhost:${port}/api/signals`;
    await primeUpgrades(server as http.Server, port);
    const alice = await connect(url, 'alice-token');
    const bob = await connect(url, 'bob-token');
    try {
      const ordersChannel = kafkaHubEntityChannel(ORDERS);
      const paymentsChannel = kafkaHubEntityChannel(PAYMENTS);
      subscribe(alice, ordersChannel);
      // Bob listens on orders first, then on his own payments.
      subscribe(bob, ordersChannel);
      subscribe(bob, paymentsChannel);

      await subscriptionsRead(3);

      const publish = async (entityRef: string) => {
        events!.emit({
          type: 'provisioning-changed',
          entityRefs: [entityRef],
          reason: 'retry-requested',
        });
        await events!.idle();
      };
      const alicesSignal = alice.next();
      await publish(ORDERS);
      await alicesSignal;
      expect(alice.received[0]).toEqual({
        channel: ordersChannel,
        message: { kind: 'provisioning', at: expect.any(String) },
      });
      // Orders' signals went out before payments' on the same bus, and Bob
      // subscribed to orders before payments: had he been sent orders'
      // signals, they would have arrived before payments'.
      const bobsSignal = bob.next();
      await publish(PAYMENTS);
      await bobsSignal;
      expect(new Set(bob.received.map(r => r.channel))).toEqual(
        new Set([paymentsChannel]),
      );
      expect(new Set(alice.received.map(r => r.channel))).toEqual(
        new Set([ordersChannel]),
      );
    } finally {
      alice.socket.close();
      bob.socket.close();
      await events?.close();
    }
  });
});
