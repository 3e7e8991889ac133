import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PartitionLagTable, sortPartitions } from './PartitionLagTable';
import {
  makeGroupDetail,
  makePartition,
  manyPartitions,
} from '../ConsumerGroupTable/__testUtils__';

// Plain DOM queries: role queries over 100 rows are slow on a loaded machine.
const table = () => screen.getByLabelText('Partition lag');
const bodyRows = () =>
  Array.from(table().querySelectorAll<HTMLElement>('tbody tr'));
const column = (index: number) =>
  bodyRows().map(r => r.querySelectorAll('td')[index].textContent);
const clickHeader = (name: string) =>
  userEvent.click(
    within(table()).getByText(name).closest('[role="button"]') as HTMLElement,
  );

jest.setTimeout(30_000);

describe('PartitionLagTable', () => {
  it('shows every column, the most lagging first, and "no commit" apart from zero', () => {
    render(<PartitionLagTable partitions={makeGroupDetail().partitions} />);
    expect(
      within(table())
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Topic',
      'Partition',
      'Committed offset',
      'End offset',
      'Lag',
      'Time lag',
      'Member',
    ]);
    const cells = bodyRows().map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );
    expect(cells).toEqual([
      ['orders.created', '0', '100', '900', '800', '~12 s', 'consumer-1'],
      ['orders.created', '1', '500', '934', '434', '~4 s', 'consumer-1'],
      ['orders.created', '2', '0', '0', '0', '< 1 s', 'consumer-1'],
      ['orders.created', '3', 'no commit', '50', 'unknown', '—', 'consumer-2'],
    ]);
    expect(screen.getByText('no commit')).toHaveAttribute(
      'title',
      expect.stringContaining('its lag is unknown — not zero'),
    );
    expect(
      screen.getByText(
        '4 partitions of 1 topic · 1 without a committed offset',
      ),
    ).toBeInTheDocument();
    expect(within(bodyRows()[0]).getByText('consumer-1')).toHaveAttribute(
      'title',
      'Member id: consumer-1-0a1b',
    );
    expect(
      within(table()).getByRole('columnheader', { name: 'Lag' }),
    ).toHaveAttribute('aria-sort', 'descending');
  });

  it('says which partitions have no member', () => {
    render(
      <PartitionLagTable
        partitions={[
          makePartition({ memberId: undefined, clientId: undefined }),
        ]}
      />,
    );
    expect(column(6)).toEqual(['unassigned']);
  });

  it('sorts by any column, both ways, with missing values last', async () => {
    render(<PartitionLagTable partitions={makeGroupDetail().partitions} />);
    await clickHeader('Partition');
    expect(column(1)).toEqual(['0', '1', '2', '3']);
    await clickHeader('Partition');
    expect(column(1)).toEqual(['3', '2', '1', '0']);
    expect(
      within(table()).getByRole('columnheader', { name: 'Partition' }),
    ).toHaveAttribute('aria-sort', 'descending');

    await clickHeader('Committed offset');
    expect(column(2)).toEqual(['500', '100', '0', 'no commit']);
    await clickHeader('Committed offset');
    expect(column(2)).toEqual(['0', '100', '500', 'no commit']);

    await clickHeader('Lag');
    expect(column(4)).toEqual(['800', '434', '0', 'unknown']);
    await clickHeader('Lag');
    expect(column(4)).toEqual(['0', '434', '800', 'unknown']);

    await clickHeader('Member');
    expect(column(6)).toEqual([
      'consumer-1',
      'consumer-1',
      'consumer-1',
      'consumer-2',
    ]);
  });

  it('renders one page of 1,000 partitions at a time, the top lagging first', async () => {
    const partitions = manyPartitions(1000);
    render(<PartitionLagTable partitions={partitions} />);
    expect(bodyRows()).toHaveLength(25);
    expect(column(1).slice(0, 3)).toEqual(['0', '1', '2']);
    expect(column(4).slice(0, 3)).toEqual(['1,000', '999', '998']);
    expect(screen.getByText('1-25 of 1000')).toBeInTheDocument();
    expect(screen.getByText('1,000 partitions of 1 topic')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(bodyRows()).toHaveLength(25);
    expect(column(1)[0]).toBe('25');
    expect(screen.getByText('26-50 of 1000')).toBeInTheDocument();

    // Sorting starts again at the first page.
    await clickHeader('Lag');
    expect(column(4)[0]).toBe('1');
    expect(screen.getByText('1-25 of 1000')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: /Rows per page/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '100' }));
    expect(bodyRows()).toHaveLength(100);
    expect(screen.getByText('1-100 of 1000')).toBeInTheDocument();
  });

  it('filters by topic', async () => {
    render(
      <PartitionLagTable
        partitions={[
          ...manyPartitions(30),
          makePartition({ topic: 'payments.settled', partition: 7, lag: 5 }),
        ]}
      />,
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter partitions by topic' }),
      'PAYMENTS',
    );
    expect(column(0)).toEqual(['payments.settled']);
    await userEvent.clear(
      screen.getByRole('textbox', { name: 'Filter partitions by topic' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Filter partitions by topic' }),
      'nothing',
    );
    expect(
      screen.getByText('No partition of a topic matching “nothing”.'),
    ).toBeInTheDocument();
  });

  it('explains an empty list', () => {
    render(<PartitionLagTable partitions={[]} />);
    expect(screen.getByText(/No partition offsets yet/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('sorts by topic then partition on ties', () => {
    const sorted = sortPartitions(
      [
        makePartition({ topic: 'b', partition: 1, lag: 5 }),
        makePartition({ topic: 'a', partition: 2, lag: 5 }),
        makePartition({ topic: 'a', partition: 1, lag: 5 }),
      ],
      'lag',
      'desc',
    );
    expect(sorted.map(p => `${p.topic}-${p.partition}`)).toEqual([
      'a-1',
      'a-2',
      'b-1',
    ]);
  });
});
