import { testServices } from '../testUtils/testServices';
import {
  recordingFetch,
  RegistryFixtures,
} from './__testUtils__/registryFixtures';
import { SchemaRegistryClient } from './SchemaRegistryClient';
import { SchemaRegistryError } from './SchemaRegistryError';

jest.setTimeout(60_000);

const url = testServices.registryUrl;

const avro = (fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'com.acme.client',
    fields: fields.map(name => ({
      name,
      type: ['null', 'string'],
      default: null,
    })),
  });

describe('SchemaRegistryClient against the real Apicurio', () => {
  const fixtures = new RegistryFixtures(url);
  // `/`, `:`, a space and non-ASCII letters, all in one name.
  const odd = fixtures.name('client/{suffix}:ordres créés ✓-value');
  const plain = fixtures.name('client.{suffix}.orders-value');
  const recorded = recordingFetch(url);
  const client = new SchemaRegistryClient(
    { url, timeoutMs: 10_000 },
    { fetch: recorded.fetch },
  );
  let ids: number[];

  beforeAll(async () => {
    ids = [
      await fixtures.register(odd, avro(['id'])),
      await fixtures.register(odd, avro(['id', 'note'])),
      await fixtures.register(odd, avro(['id', 'note', 'total'])),
    ];
    await fixtures.register(
      plain,
      'syntax = "proto3";\nmessage Order { string id = 1; }\n',
      { format: 'PROTOBUF' },
    );
    await fixtures.deleteVersion(odd, 2);
    await fixtures.setCompatibility(odd, 'FORWARD');
  });

  afterAll(() => fixtures.cleanUp());

  it('lists subjects and URL-encodes names with /, :, spaces and unicode', async () => {
    expect(await client.listSubjects()).toEqual(
      expect.arrayContaining([odd, plain]),
    );
    expect(await client.listVersions(odd)).toEqual([1, 3]);
    expect(await client.listVersions(odd, { deleted: true })).toEqual([
      1, 2, 3,
    ]);
    expect(recorded.calls.map(c => c.path)).toContain(
      `/subjects/${encodeURIComponent(odd)}/versions?deleted=true`,
    );
    expect(encodeURIComponent(odd)).toContain('%2F');
  });

  it('reads a soft-deleted version with its global id and text', async () => {
    const version = await client.getVersion(odd, 2);
    expect(version).toEqual({
      subject: odd,
      version: 2,
      id: ids[1],
      schema: avro(['id', 'note']),
      format: 'AVRO',
      references: [],
    });
    expect(await client.getSchemaById(ids[2])).toEqual({
      schema: avro(['id', 'note', 'total']),
      format: 'AVRO',
      references: [],
    });
    const proto = await client.getVersion(plain, 1);
    expect(proto.format).toBe('PROTOBUF');
  });

  it('reads the compatibility of a subject and of the registry', async () => {
    expect(await client.getSubjectCompatibility(odd)).toBe('FORWARD');
    const global = await client.getGlobalCompatibility();
    expect(await client.getSubjectCompatibility(plain)).toBe(global);
  });

  it('checks a schema against one version, a soft-deleted one too, under the level in force', async () => {
    await fixtures.setCompatibility(odd, 'BACKWARD');
    const proposal = (schema: string) => ({
      schema,
      format: 'AVRO' as const,
      references: [],
    });
    const extended = proposal(avro(['id', 'note', 'total', 'extra']));
    recorded.calls.length = 0;
    expect(
      await client.checkCompatibilityWithVersion(odd, 3, extended),
    ).toEqual({ compatible: true, messages: [] });
    expect(recorded.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      `POST /compatibility/subjects/${encodeURIComponent(
        odd,
      )}/versions/3?verbose=true`,
    ]);
    expect(
      await client.checkCompatibilityWithVersion(odd, 2, extended),
    ).toEqual({ compatible: true, messages: [] });
    // A field without a default cannot read what version 1 wrote.
    const strict = proposal(
      JSON.stringify({
        type: 'record',
        name: 'Order',
        namespace: 'com.acme.client',
        fields: [{ name: 'other', type: 'int' }],
      }),
    );
    expect(
      (await client.checkCompatibilityWithVersion(odd, 1, strict)).compatible,
    ).toBe(false);
    // schemaType goes along for Protobuf.
    expect(
      await client.checkCompatibilityWithVersion(plain, 1, {
        schema:
          'syntax = "proto3";\nmessage Order { string id = 1; string note = 2; }\n',
        format: 'PROTOBUF',
        references: [],
      }),
    ).toEqual({ compatible: true, messages: [] });
    const missing = await client
      .checkCompatibilityWithVersion(odd, 9, extended)
      .catch(e => e);
    expect(missing).toMatchObject({ status: 404, errorCode: 40402 });
  });

  it('names the path, status and registry message of a 404', async () => {
    const missing = fixtures.name('client-missing-{suffix}');
    const error = await client.listVersions(missing).catch(e => e);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error).toMatchObject({
      status: 404,
      errorCode: 40401,
      path: `/subjects/${missing}/versions`,
    });
    expect(error.message).toMatch(
      new RegExp(`^HTTP 404 from /subjects/${missing}/versions: `),
    );
    // Unknown subject: no level of its own (a 404 the client turns into undefined).
    expect(await client.getSubjectCompatibility(missing)).toBeUndefined();
  });
});
