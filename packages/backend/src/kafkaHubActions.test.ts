import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { createServer } from 'net';
import {
  OrgScaleBackend,
  orgScaleDatabases,
  startOrgScaleBackend,
} from './__testUtils__/orgScale';

/*
 * Kafka Hub's actions through the REAL actions registry (its HTTP API, as
 * the MCP actions backend calls it), the REAL catalog and permission
 * backends and the demo policy, on a small organisation: each action asked
 * as a member of the owning team and as a member of another team, who must
 * get only what it may read, and "not found" for the rest, exactly as for
 * something that does not exist.
 */

jest.setTimeout(600_000);

const APPLICATIONS = 40;
const REGISTRY =
  process.env.KAFKA_HUB_TEST_REGISTRY_URL ??
  'http://127.0.0.1:8081/apis/ccompat/v7';

const AVRO_V1 = JSON.stringify({
  type: 'record',
  name: 'Event',
  namespace: 'io.kafkahub.actions',
  fields: [{ name: 'id', type: 'string' }],
});
/** Adds an optional field: compatible under BACKWARD. */
const AVRO_V2 = JSON.stringify({
  type: 'record',
  name: 'Event',
  namespace: 'io.kafkahub.actions',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
/** Changes a field's type: incompatible. */
const AVRO_BROKEN = JSON.stringify({
  type: 'record',
  name: 'Event',
  namespace: 'io.kafkahub.actions',
  fields: [{ name: 'id', type: 'int' }],
});

/** A port nothing listens on: provisioning runs fail at once, touching nothing. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

async function registerSubject(subject: string, schema: string) {
  const res = await fetch(
    `${REGISTRY}/subjects/${encodeURIComponent(subject)}/versions`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema, schemaType: 'AVRO' }),
    },
  );
  if (!res.ok) {
    throw new Error(
      `registering ${subject}: HTTP ${res.status} ${await res.text()}`,
    );
  }
  // Whatever the registry's global level: this subject checks BACKWARD.
  const config = await fetch(
    `${REGISTRY}/config/${encodeURIComponent(subject)}`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    },
  );
  if (!config.ok) {
    throw new Error(
      `setting ${subject} to BACKWARD: HTTP ${
        config.status
      } ${await config.text()}`,
    );
  }
}

describe.each(orgScaleDatabases())(
  'Kafka Hub actions (%s)',
  (_name, database) => {
    let org: OrgScaleBackend;

    /** Invokes `kafka-hub:<name>` as a user, through the registry's HTTP API. */
    async function invoke(name: string, input: object, as: string) {
      const res = await fetch(
        `${org.baseUrl}/api/kafka-hub/.backstage/actions/v1/actions/kafka-hub:${name}/invoke`,
        {
          method: 'POST',
          headers: {
            authorization: org.authorization(as),
            'content-type': 'application/json',
          },
          body: JSON.stringify(input),
        },
      );
      const body = await res.json();
      return { status: res.status, body };
    }

    beforeAll(async () => {
      org = await startOrgScaleBackend({
        applications: APPLICATIONS,
        database,
        features: [
          actionsRegistryServiceFactory,
          actionsServiceFactory,
          mcpActionsPlugin,
        ],
        config: {
          backend: { actions: { pluginSources: ['kafka-hub'] } },
          kafkaHub: {
            environments: {
              dev: {
                kafka: {
                  brokers: [`127.0.0.1:${await deadPort()}`],
                  connectionTimeoutMs: 1000,
                },
                schemaRegistry: { url: REGISTRY },
              },
            },
          },
        },
      });
    });

    afterAll(async () => {
      await org?.stop();
    });

    /**
     * One JSON-RPC request to the MCP server (streamable HTTP, stateless), as
     * an MCP client signed in as a user sends it; resolves to its result.
     */
    async function mcp(method: string, params: object, as: string) {
      const res = await fetch(`${org.baseUrl}/api/mcp-actions/v1`, {
        method: 'POST',
        headers: {
          authorization: org.authorization(as),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      });
      const text = await res.text();
      if (res.status !== 200) {
        throw new Error(`MCP ${method}: HTTP ${res.status} ${text}`);
      }
      // An event stream of one message, or plain JSON.
      const data = text.startsWith('{')
        ? text
        : text
            .split('\n')
            .filter(line => line.startsWith('data: '))
            .map(line => line.slice('data: '.length))
            .join('');
      return JSON.parse(data).result;
    }

    const member = (team: string) => org.team(team).users[0];
    const firstApp = (team: string) => org.team(team).applications[0];

    it('lists the seven actions, each with its schemas', async () => {
      const res = await fetch(
        `${org.baseUrl}/api/kafka-hub/.backstage/actions/v1/actions`,
        { headers: { authorization: org.authorization(member('team-a')) } },
      );
      const { actions } = await res.json();
      const byName = Object.fromEntries(
        actions.map((a: { name: string }) => [a.name, a]),
      );
      expect(Object.keys(byName).sort()).toEqual([
        'check-schema-compatibility',
        'get-consumer-group-lag',
        'get-kafka-application',
        'get-schema',
        'list-consumer-groups',
        'list-schemas',
        'retry-kafka-provisioning',
      ]);
      expect(byName['retry-kafka-provisioning'].attributes).toEqual({
        readOnly: false,
        destructive: false,
        idempotent: true,
      });
      expect(byName['get-kafka-application'].attributes.readOnly).toBe(true);
      expect(
        byName['get-kafka-application'].schema.input.properties.entityRef,
      ).toBeDefined();
    });

    it('get-kafka-application: the owner reads it; another team gets not found, like a missing one', async () => {
      const ref = firstApp('team-a');
      const own = await invoke(
        'get-kafka-application',
        { entityRef: ref },
        member('team-a'),
      );
      expect(own.status).toBe(200);
      expect(own.body.output).toMatchObject({
        entityRef: ref,
        application: ref.split('/')[1],
        ownerRef: 'group:default/team-a',
        status: 'completed',
        declaredTopics: [{ name: `${ref.split('/')[1]}.events` }],
        environments: [{ name: 'dev', status: 'success' }],
        annotationErrors: [],
      });

      const foreign = await invoke(
        'get-kafka-application',
        { entityRef: ref },
        member('team-b'),
      );
      const missing = await invoke(
        'get-kafka-application',
        { entityRef: 'component:default/no-such-app' },
        member('team-b'),
      );
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body.error.name).toBe(missing.body.error.name);
      expect(foreign.body.error.message).toBe(
        `No Kafka application for ${ref}`,
      );
      expect(JSON.stringify(foreign.body)).not.toContain('team-a');
    });

    it('list-consumer-groups: each team gets its own groups only, and none of the other team asked by name', async () => {
      for (const team of ['team-a', 'team-b']) {
        const { status, body } = await invoke(
          'list-consumer-groups',
          {},
          member(team),
        );
        expect(status).toBe(200);
        const own = new Set(org.team(team).applications);
        expect(body.output.total).toBe(own.size);
        expect(body.output.items).toHaveLength(own.size);
        for (const item of body.output.items) {
          expect(own.has(item.entityRef)).toBe(true);
          expect(item).toMatchObject({
            environment: 'dev',
            status: expect.stringMatching(/^(OK|WARN)$/),
            totalLag: expect.any(Number),
          });
        }
      }
      const asked = await invoke(
        'list-consumer-groups',
        { entityRef: firstApp('team-a') },
        member('team-b'),
      );
      expect(asked.body.output).toEqual({ items: [], total: 0 });
    });

    it('get-consumer-group-lag: the owner reads status, lag and history; another team gets not found, like a missing group', async () => {
      const ref = firstApp('team-a');
      const listed = await invoke(
        'list-consumer-groups',
        { entityRef: ref },
        member('team-a'),
      );
      const [group] = listed.body.output.items;
      const key = { environment: group.environment, groupId: group.groupId };

      const own = await invoke(
        'get-consumer-group-lag',
        { ...key, range: '1h' },
        member('team-a'),
      );
      expect(own.status).toBe(200);
      expect(own.body.output).toMatchObject({
        ...key,
        entityRef: ref,
        status: group.status,
        statusReason: group.statusReason,
        totalLag: group.totalLag,
        history: { range: '1h', trend: expect.any(String) },
      });

      const foreign = await invoke(
        'get-consumer-group-lag',
        key,
        member('team-b'),
      );
      const missing = await invoke(
        'get-consumer-group-lag',
        { environment: 'dev', groupId: 'no-such-group' },
        member('team-b'),
      );
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body.error.name).toBe(missing.body.error.name);
      expect(foreign.body.error.message).toBe(
        `No consumer group ${key.groupId} in environment dev`,
      );

      const badRange = await invoke(
        'get-consumer-group-lag',
        { ...key, range: '2d' },
        member('team-a'),
      );
      expect(badRange.status).toBe(400);
      expect(JSON.stringify(badRange.body)).toContain('range');
    });

    it('list-schemas and get-schema: each team reads its own subjects; another team gets not found, like a missing subject', async () => {
      const own = new Set(org.team('team-a').applications);
      const listed = await invoke('list-schemas', {}, member('team-a'));
      expect(listed.status).toBe(200);
      expect(listed.body.output.total).toBeGreaterThan(0);
      expect(listed.body.output.items).toHaveLength(listed.body.output.total);
      for (const item of listed.body.output.items) {
        expect(own.has(item.entityRef)).toBe(true);
      }
      const other = await invoke('list-schemas', {}, member('team-b'));
      for (const item of other.body.output.items) {
        expect(own.has(item.entityRef)).toBe(false);
      }

      const [subject] = listed.body.output.items;
      const key = {
        environment: subject.environment,
        subject: subject.subject,
      };
      const detail = await invoke('get-schema', key, member('team-a'));
      expect(detail.status).toBe(200);
      expect(detail.body.output).toMatchObject({
        ...key,
        format: 'AVRO',
        latestVersion: 1,
        versions: [{ version: 1 }],
      });

      const foreign = await invoke('get-schema', key, member('team-b'));
      const missing = await invoke(
        'get-schema',
        { environment: 'dev', subject: 'no-such-subject-value' },
        member('team-b'),
      );
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body.error.name).toBe(missing.body.error.name);
    });

    it('check-schema-compatibility: the owner asks the real registry; another team gets not found', async () => {
      const listed = await invoke('list-schemas', {}, member('team-a'));
      const [subject] = listed.body.output.items;
      await registerSubject(subject.subject, AVRO_V1);
      const key = {
        environment: subject.environment,
        subject: subject.subject,
      };

      const compatible = await invoke(
        'check-schema-compatibility',
        { ...key, schema: AVRO_V2 },
        member('team-a'),
      );
      expect(compatible.status).toBe(200);
      expect(compatible.body.output).toMatchObject({
        compatible: true,
        level: expect.any(String),
      });
      expect(compatible.body.output.against.length).toBeGreaterThan(0);

      const broken = await invoke(
        'check-schema-compatibility',
        { ...key, schema: AVRO_BROKEN },
        member('team-a'),
      );
      expect(broken.status).toBe(200);
      expect(broken.body.output.compatible).toBe(false);

      const foreign = await invoke(
        'check-schema-compatibility',
        { ...key, schema: AVRO_V2 },
        member('team-b'),
      );
      expect(foreign.status).toBe(404);
    });

    it('retry-kafka-provisioning: the owner starts a run; another team and a user in no team get not found', async () => {
      const ref = firstApp('team-a');
      const foreign = await invoke(
        'retry-kafka-provisioning',
        { entityRef: ref, all: true },
        member('team-b'),
      );
      const outsider = await invoke(
        'retry-kafka-provisioning',
        { entityRef: ref, all: true },
        org.outsider,
      );
      expect(foreign.status).toBe(404);
      expect(outsider.status).toBe(404);
      expect(foreign.body.error.message).toBe(
        `No Kafka application for ${ref}`,
      );
      const runsBefore = await org
        .kafkaHubDatabase('kafka_hub_provisioning_runs')
        .where({ entity_ref: ref });
      expect(runsBefore).toHaveLength(0);

      const own = await invoke(
        'retry-kafka-provisioning',
        { entityRef: ref, all: true },
        member('team-a'),
      );
      expect(own.status).toBe(200);
      expect(own.body.output).toEqual({ environments: ['dev'] });
      const runs = await org
        .kafkaHubDatabase('kafka_hub_provisioning_runs')
        .where({ entity_ref: ref });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        trigger: 'retry',
        requested_by: member('team-a'),
      });
    });

    it("MCP: an agent signed in as a user lists the tools and calls them with that user's permissions", async () => {
      const { tools } = await mcp('tools/list', {}, member('team-b'));
      const names = tools.map((t: { name: string }) => t.name).sort();
      expect(names).toEqual([
        'kafka-hub.check-schema-compatibility',
        'kafka-hub.get-consumer-group-lag',
        'kafka-hub.get-kafka-application',
        'kafka-hub.get-schema',
        'kafka-hub.list-consumer-groups',
        'kafka-hub.list-schemas',
        'kafka-hub.retry-kafka-provisioning',
      ]);
      const retry = tools.find(
        (t: { name: string }) =>
          t.name === 'kafka-hub.retry-kafka-provisioning',
      );
      expect(retry.annotations).toMatchObject({
        destructiveHint: false,
        idempotentHint: true,
        readOnlyHint: false,
      });

      const ref = firstApp('team-a');
      const call = (as: string) =>
        mcp(
          'tools/call',
          {
            name: 'kafka-hub.get-kafka-application',
            arguments: { entityRef: ref },
          },
          as,
        );
      const own = await call(member('team-a'));
      expect(own.isError).toBeFalsy();
      expect(JSON.stringify(own.content)).toContain(ref);
      const foreign = await call(member('team-b'));
      expect(foreign.isError).toBe(true);
      expect(JSON.stringify(foreign.content)).toContain(
        `No Kafka application for ${ref}`,
      );
      expect(JSON.stringify(foreign.content)).not.toContain('team-a');
    });
  },
);
