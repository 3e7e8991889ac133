import { normalizeSchema, schemaFingerprint } from './fingerprint';

describe('schema fingerprints', () => {
  it('ignores layout and key order of Avro and JSON Schema', () => {
    const a =
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}';
    const b = `{
      "name": "R",
      "fields": [ { "type": "int", "name": "a" } ],
      "type": "record"
    }`;
    expect(schemaFingerprint('AVRO', a)).toBe(schemaFingerprint('AVRO', b));
    expect(schemaFingerprint('JSON', a)).toBe(schemaFingerprint('JSON', b));
    expect(schemaFingerprint('AVRO', a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells different schemas apart, array order included', () => {
    expect(schemaFingerprint('AVRO', '{"enum":["A","B"]}')).not.toBe(
      schemaFingerprint('AVRO', '{"enum":["B","A"]}'),
    );
    expect(schemaFingerprint('AVRO', '"string"')).not.toBe(
      schemaFingerprint('AVRO', '"int"'),
    );
  });

  it('ignores comments and whitespace in Protobuf but keeps string literals', () => {
    const a = `syntax = "proto3";
// The payment.
message P {
  string id = 1; /* primary */
  string url = 2 [json_name = "http://x  y"];
}`;
    const b =
      'syntax="proto3";message P{string id=1;string url=2[json_name="http://x  y"];}';
    expect(normalizeSchema('PROTOBUF', a)).toBe(b);
    expect(schemaFingerprint('PROTOBUF', a)).toBe(
      schemaFingerprint('PROTOBUF', b),
    );
    expect(schemaFingerprint('PROTOBUF', a)).not.toBe(
      schemaFingerprint('PROTOBUF', b.replace('x  y', 'x y')),
    );
  });

  it('collapses whitespace of text that does not parse', () => {
    expect(normalizeSchema('AVRO', '  not\n  json ')).toBe('not json');
  });
});
