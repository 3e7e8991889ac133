import { prettySchema } from './schemaText';
import { sideBySideDiff } from './diffRows';

describe('prettySchema', () => {
  it('indents Avro and JSON Schema text', () => {
    const avro =
      '{"type":"record","name":"A","fields":[{"name":"id","type":"string"}]}';
    expect(prettySchema(avro, 'AVRO')).toBe(
      [
        '{',
        '  "type": "record",',
        '  "name": "A",',
        '  "fields": [',
        '    {',
        '      "name": "id",',
        '      "type": "string"',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(prettySchema('{"type":"object"}', 'JSON')).toBe(
      '{\n  "type": "object"\n}',
    );
    // An Avro schema may be a bare primitive name.
    expect(prettySchema('"string"', 'AVRO')).toBe('"string"');
  });

  it('keeps text that does not parse as JSON as it is', () => {
    expect(prettySchema('{"type": "record", oops', 'AVRO')).toBe(
      '{"type": "record", oops',
    );
  });

  it('leaves Protobuf alone', () => {
    const proto = 'syntax = "proto3";\nmessage A {\n  string id = 1;\n}\n';
    expect(prettySchema(proto, 'PROTOBUF')).toBe(proto);
  });
});

describe('sideBySideDiff', () => {
  it('faces unchanged lines, pairs a replaced block and pads the shorter side', () => {
    const diff = sideBySideDiff('a\nb\nc\nd', 'a\nB\nx\ny\nd')!;
    expect(diff.added).toBe(3);
    expect(diff.removed).toBe(2);
    expect(
      diff.rows.map(r => [
        r.left ? `${r.left.line}${r.left.kind[0]} ${r.left.text}` : '',
        r.right ? `${r.right.line}${r.right.kind[0]} ${r.right.text}` : '',
      ]),
    ).toEqual([
      ['1u a', '1u a'],
      ['2r b', '2a B'],
      ['3r c', '3a x'],
      ['', '4a y'],
      ['4u d', '5u d'],
    ]);
  });

  it('marks the changed words of a paired line', () => {
    const diff = sideBySideDiff('"type": "double"', '"type": "long"')!;
    const [row] = diff.rows;
    expect(row.left?.segments?.filter(s => s.changed).map(s => s.text)).toEqual(
      ['double'],
    );
    expect(
      row.right?.segments?.filter(s => s.changed).map(s => s.text),
    ).toEqual(['long']);
  });

  it('shows lines only added or only removed against empty cells', () => {
    const added = sideBySideDiff('a', 'a\nb')!;
    expect(added.rows[1]).toEqual({
      right: { line: 2, text: 'b', kind: 'added', segments: undefined },
    });
    const removed = sideBySideDiff('a\nb\n', 'a\n')!;
    expect(removed.rows[1]).toEqual({
      left: { line: 2, text: 'b', kind: 'removed', segments: undefined },
    });
    expect(sideBySideDiff('same\n', 'same')!.added).toBe(0);
  });
});
