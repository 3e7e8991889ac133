import { FieldMask, MASKED, parseMaskPattern } from './maskFields';

describe('FieldMask', () => {
  const value = {
    email: 'top@example.com',
    customer: {
      email: 'c@example.com',
      name: 'Ada',
      contact: { email: 'deep@example.com', phone: '123' },
    },
    card: { number: '4111', expiry: '12/30' },
    lines: [
      { sku: 'a', email: 'line@example.com' },
      { sku: 'b', card: { number: '5500' } },
    ],
  };

  it('masks a field at any depth with a leading *.', () => {
    const masked = new FieldMask(['*.email']).apply(value) as any;
    expect(masked.email).toBe(MASKED);
    expect(masked.customer.email).toBe(MASKED);
    expect(masked.customer.contact.email).toBe(MASKED);
    expect(masked.lines[0]).toEqual({ sku: 'a', email: MASKED });
    expect(masked.customer.name).toBe('Ada');
  });

  it('anchors a path without a leading * at the top, through arrays', () => {
    const masked = new FieldMask(['card.number']).apply(value) as any;
    expect(masked.card).toEqual({ number: MASKED, expiry: '12/30' });
    // lines[].card.number is lines.card.number, not card.number.
    expect(masked.lines[1].card.number).toBe('5500');
    expect(
      (new FieldMask(['lines.card.number']).apply(value) as any).lines[1].card
        .number,
    ).toBe(MASKED);
  });

  it('lets an inner * match exactly one field name', () => {
    const masked = new FieldMask(['customer.*.email']).apply(value) as any;
    expect(masked.customer.contact.email).toBe(MASKED);
    expect(masked.customer.email).toBe('c@example.com');
  });

  it('replaces a masked object whole and leaves the input unchanged', () => {
    const masked = new FieldMask(['customer']).apply(value) as any;
    expect(masked.customer).toBe(MASKED);
    expect(value.customer.name).toBe('Ada');
  });

  it('leaves values that are not objects alone', () => {
    const mask = new FieldMask(['*.email']);
    expect(mask.apply('email')).toBe('email');
    expect(mask.apply(null)).toBeNull();
    expect(mask.apply(7)).toBe(7);
  });

  it('rejects malformed patterns with the pattern in the message', () => {
    expect(() => parseMaskPattern('card..number')).toThrow(/"card..number"/);
    expect(() => parseMaskPattern('')).toThrow(/dot-separated/);
    expect(() => parseMaskPattern('a.')).toThrow(/"a."/);
  });
});
