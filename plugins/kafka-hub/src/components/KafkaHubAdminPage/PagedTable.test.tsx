import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { PagedTable } from './PagedTable';

const names = Array.from({ length: 30 }, (_, i) => `item-${i}`);

describe('PagedTable', () => {
  it('loads the page the user turns to, 25 rows a page', async () => {
    const load = jest.fn(async ({ limit, offset }) => ({
      items: names.slice(offset, offset + limit),
      total: names.length,
    }));
    await renderInTestApp(
      <PagedTable<string>
        ariaLabel="Items"
        load={load}
        errorTitle="Could not load the items"
        empty="No items"
        rowKey={name => name}
        columns={[{ title: 'Name', render: name => name }]}
      />,
    );
    const rows = async () =>
      within(await screen.findByRole('table', { name: 'Items' }))
        .getAllByRole('row')
        .slice(1);
    expect(await rows()).toHaveLength(25);
    expect(load).toHaveBeenLastCalledWith({ limit: 25, offset: 0 });

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(load).toHaveBeenLastCalledWith({ limit: 25, offset: 25 }),
    );
    await waitFor(async () => expect(await rows()).toHaveLength(5));
    expect((await rows())[0]).toHaveTextContent('item-25');
  });

  it('says so when the list is empty, and shows a failed load', async () => {
    const { unmount } = await renderInTestApp(
      <PagedTable<string>
        ariaLabel="Items"
        load={async () => ({ items: [], total: 0 })}
        errorTitle="Could not load the items"
        empty="No items"
        rowKey={name => name}
        columns={[{ title: 'Name', render: name => name }]}
      />,
    );
    expect(await screen.findByText('No items')).toBeInTheDocument();
    unmount();

    await renderInTestApp(
      <PagedTable<string>
        ariaLabel="Items"
        load={async () => {
          throw new Error('boom');
        }}
        errorTitle="Could not load the items"
        empty="No items"
        rowKey={name => name}
        columns={[{ title: 'Name', render: name => name }]}
      />,
    );
    expect(
      await screen.findByText(/Could not load the items/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
