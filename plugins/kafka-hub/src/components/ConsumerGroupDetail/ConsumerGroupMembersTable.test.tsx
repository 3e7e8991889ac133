import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ConsumerGroupMembersTable,
  partitionRanges,
} from './ConsumerGroupMembersTable';
import { makeGroupDetail } from '../ConsumerGroupTable/__testUtils__';

describe('ConsumerGroupMembersTable', () => {
  it('shows each member with its client id, host and assigned partitions', () => {
    render(<ConsumerGroupMembersTable members={makeGroupDetail().members} />);
    const table = screen.getByRole('table', { name: 'Group members' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Member id',
      'Client id',
      'Host',
      'Partitions',
      'Assigned partitions',
    ]);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      [
        'consumer-1-0a1b',
        'consumer-1',
        '/127.0.0.1',
        '4',
        'orders.created: 0–2, 4',
      ],
      ['consumer-2-9f8e', 'consumer-2', '/127.0.0.2', '1', 'orders.created: 3'],
    ]);
  });

  it('shows the epochs of a KIP-848 group and what a reconciling member moves to', () => {
    render(
      <ConsumerGroupMembersTable
        members={[
          {
            memberId: 'Hq3-a',
            clientId: 'orders',
            host: '/127.0.0.1',
            instanceId: 'orders-0',
            memberEpoch: 7,
            subscribedTopics: ['orders.created'],
            assignments: [{ topic: 'orders.created', partitions: [0, 1] }],
            targetAssignments: [{ topic: 'orders.created', partitions: [0] }],
          },
          {
            memberId: 'Hq3-b',
            clientId: 'orders',
            host: '/127.0.0.2',
            memberEpoch: 8,
            subscribedTopics: ['orders.created'],
            assignments: [{ topic: 'orders.created', partitions: [2] }],
            targetAssignments: [{ topic: 'orders.created', partitions: [2] }],
          },
        ]}
      />,
    );
    const table = screen.getByRole('table', { name: 'Group members' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Member id',
      'Client id',
      'Host',
      'Epoch',
      'Partitions',
      'Assigned partitions',
    ]);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      [
        'Hq3-ainstance orders-0',
        'orders',
        '/127.0.0.1',
        '7',
        '2',
        'orders.created: 0–1Reconciling to:→ orders.created: 0',
      ],
      ['Hq3-b', 'orders', '/127.0.0.2', '8', '1', 'orders.created: 2'],
    ]);
  });

  it('shows a member without assignments and an empty group', () => {
    const { unmount } = render(
      <ConsumerGroupMembersTable
        members={[{ memberId: 'm', clientId: 'c', host: 'h', assignments: [] }]}
      />,
    );
    expect(screen.getByText('None')).toBeInTheDocument();
    unmount();
    render(<ConsumerGroupMembersTable members={[]} />);
    expect(screen.getByText(/No members/)).toBeInTheDocument();
  });

  it('pages many members', async () => {
    render(
      <ConsumerGroupMembersTable
        members={Array.from({ length: 30 }, (_, i) => ({
          memberId: `m-${String(i).padStart(2, '0')}`,
          clientId: `client-${String(i).padStart(2, '0')}`,
          host: 'h',
          assignments: [{ topic: 't', partitions: [i] }],
        }))}
      />,
    );
    const table = screen.getByRole('table', { name: 'Group members' });
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(
      within(screen.getByRole('table', { name: 'Group members' })).getAllByRole(
        'row',
      ),
    ).toHaveLength(6);
  });

  it('writes partition numbers as ranges', () => {
    expect(partitionRanges([])).toBe('');
    expect(partitionRanges([3])).toBe('3');
    expect(partitionRanges([5, 0, 1, 2, 7, 8, 2])).toBe('0–2, 5, 7–8');
  });
});
