import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SchemaVersionTimeline } from './SchemaVersionTimeline';
import { avroVersions } from '../SchemaTable/__testUtils__';
import { formatExactForTest } from '../ProvisioningCommon/__testUtils__';

jest.setTimeout(30_000);

describe('SchemaVersionTimeline', () => {
  it('lists versions newest first with first-seen times, marking deleted ones', async () => {
    await renderInTestApp(<SchemaVersionTimeline versions={avroVersions()} />);
    expect(
      screen.getByText(
        /The Schema Registry does not record when a version was registered: times are when Kafka Hub first saw each version/,
      ),
    ).toBeInTheDocument();
    const items = screen.getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('aria-label'))).toEqual([
      'Version 3, deleted',
      'Version 2',
      'Version 1',
    ]);
    expect(within(items[0]).getByText('Deleted')).toBeInTheDocument();
    expect(within(items[0]).queryByText('Latest')).not.toBeInTheDocument();
    expect(within(items[1]).getByText('Latest')).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('Global id 12');
    expect(items[1]).toHaveTextContent(/First seen/);
    const time = items[1].querySelector('time')!;
    expect(time).toHaveAttribute('dateTime', '2026-11-20T18:00:00.000Z');
    await userEvent.hover(time);
    expect(
      await screen.findByText(formatExactForTest('2026-11-20T18:00:00.000Z')),
    ).toBeInTheDocument();
  });

  it('views a version and compares it with the one before', async () => {
    const onSelect = jest.fn();
    const onCompare = jest.fn();
    await renderInTestApp(
      <SchemaVersionTimeline
        versions={avroVersions()}
        selected={2}
        onSelect={onSelect}
        onCompare={onCompare}
      />,
    );
    expect(screen.getByRole('button', { name: 'View v2' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'View v1' }));
    expect(onSelect).toHaveBeenCalledWith(1);
    // Named by its visible text: the version it sits under is its list item's name.
    await userEvent.click(
      within(screen.getByRole('listitem', { name: /^Version 3/ })).getByRole(
        'button',
        { name: 'Diff with v2' },
      ),
    );
    expect(onCompare).toHaveBeenCalledWith({ from: 2, to: 3 });
    // The oldest version has nothing older to compare with.
    expect(
      within(screen.getByRole('listitem', { name: /^Version 1/ })).queryByRole(
        'button',
        { name: /^Diff with/ },
      ),
    ).not.toBeInTheDocument();
  });

  it('says when no version is synced yet', async () => {
    await renderInTestApp(<SchemaVersionTimeline versions={[]} />);
    expect(
      screen.getByText('No version has been synced yet.'),
    ).toBeInTheDocument();
  });
});
