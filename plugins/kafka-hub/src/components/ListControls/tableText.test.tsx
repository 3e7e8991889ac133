import { render } from '@testing-library/react';
import { IdText } from './tableText';

describe('IdText', () => {
  it('offers a line break after each ".", "-" and "_" only, and keeps the full text as its title', () => {
    const { container } = render(<IdText text="checkout.completed-value_v2" />);
    const span = container.querySelector('span')!;
    expect(span).toHaveAttribute('title', 'checkout.completed-value_v2');
    expect(span.textContent).toBe('checkout.completed-value_v2');
    // A <wbr> sits right after each separator, nowhere else.
    expect(span.innerHTML.replace(/ class="[^"]*"/g, '')).toBe(
      'checkout.<wbr>completed-<wbr>value_<wbr>v2',
    );
  });

  it('renders a name without separators as one unbreakable word', () => {
    const { container } = render(<IdText text="orders" />);
    expect(container.querySelectorAll('wbr')).toHaveLength(0);
    expect(container.textContent).toBe('orders');
  });
});
