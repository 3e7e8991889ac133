import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SchemaVersionDiff } from './SchemaVersionDiff';
import {
  avroV1,
  avroVersions,
  makeVersion,
} from '../SchemaTable/__testUtils__';

jest.setTimeout(30_000);

/** Text of the changed cells of one kind, in order. */
const cells = (table: HTMLElement, kind: 'added' | 'removed' | 'unchanged') =>
  Array.from(table.querySelectorAll(`td[data-kind="${kind}"]`)).map(
    c => c.textContent,
  );

describe('SchemaVersionDiff', () => {
  it('compares the two newest versions side by side by default', async () => {
    await renderInTestApp(<SchemaVersionDiff versions={avroVersions()} />);
    const table = screen.getByRole('table', {
      name: 'Differences between v2 and v3',
    });
    expect(within(table).getByText('v2')).toBeInTheDocument();
    expect(within(table).getByText('v3 (deleted)')).toBeInTheDocument();
    expect(cells(table, 'removed')).toEqual([
      '    },',
      '    {',
      '      "name": "amount",',
      '      "type": "long"',
      '    },',
      '    {',
      '      "name": "currency",',
      '      "type": "string",',
      '      "default": "EUR"',
    ]);
    expect(cells(table, 'added')).toEqual([]);
    expect(
      screen.getByText('0 lines added, 9 lines removed'),
    ).toBeInTheDocument();
  });

  it('compares any two chosen versions, highlighting added and removed lines', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <SchemaVersionDiff versions={avroVersions()} onChange={onChange} />,
    );
    await userEvent.click(screen.getByRole('button', { name: /Left version/ }));
    await userEvent.click(screen.getByRole('option', { name: 'v1' }));
    await userEvent.click(
      screen.getByRole('button', { name: /Right version/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'v2' }));
    expect(onChange).toHaveBeenLastCalledWith({ from: 1, to: 2 });

    const table = screen.getByRole('table', {
      name: 'Differences between v1 and v2',
    });
    expect(cells(table, 'removed')).toEqual(['      "type": "double"']);
    expect(cells(table, 'added')).toEqual([
      '      "type": "long"',
      '    },',
      '    {',
      '      "name": "currency",',
      '      "type": "string",',
      '      "default": "EUR"',
    ]);
    // The changed word is emphasised inside the changed line.
    const removed = table.querySelector('td[data-kind="removed"]')!;
    expect(
      Array.from(removed.querySelectorAll('span'))
        .filter(s => s.className)
        .map(s => s.textContent),
    ).toEqual(['double']);
    // Unchanged lines face each other.
    expect(cells(table, 'unchanged')).toContain('      "name": "amount",');
    expect(
      screen.getByText('6 lines added, 1 line removed'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Swap' }));
    const swapped = screen.getByRole('table', {
      name: 'Differences between v2 and v1',
    });
    expect(cells(swapped, 'added')).toEqual(['      "type": "double"']);
  });

  it('follows the versions its parent chooses', async () => {
    await renderInTestApp(
      <SchemaVersionDiff versions={avroVersions()} from={1} to={3} />,
    );
    expect(
      screen.getByRole('table', { name: 'Differences between v1 and v3' }),
    ).toBeInTheDocument();
  });

  it('says when versions are identical, and when there is one version only', async () => {
    const { unmount } = await renderInTestApp(
      <SchemaVersionDiff
        versions={[
          makeVersion({ version: 2, schema: avroV1.replace(/,/g, ', ') }),
          makeVersion({ version: 1 }),
        ]}
      />,
    );
    expect(
      screen.getByText('The two versions are identical.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    unmount();

    await renderInTestApp(
      <SchemaVersionDiff versions={[makeVersion({ version: 1 })]} />,
    );
    expect(
      screen.getByText(/This subject has a single version/),
    ).toBeInTheDocument();
  });
});
