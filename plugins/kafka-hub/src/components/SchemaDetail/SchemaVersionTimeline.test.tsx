import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SchemaVersionTimeline } from './SchemaVersionTimeline';
import { avroVersions, makeVersion } from '../SchemaTable/__testUtils__';
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

  it("shows each version's level when first seen and its compatibility, unknown for versions that predate Kafka Hub", async () => {
    await renderInTestApp(<SchemaVersionTimeline versions={avroVersions()} />);
    const item = (n: number) =>
      screen.getByRole('listitem', { name: new RegExp(`^Version ${n}\\b`) });
    expect(item(3)).toHaveTextContent(
      'Not checkedseen under NONE, which checks nothing',
    );
    expect(item(2)).toHaveTextContent(
      'Unknownalready registered when Kafka Hub first synced the subject; level unknown',
    );
    expect(item(1)).toHaveTextContent(
      'First versionnothing before it to check',
    );
  });

  it("shows the registry's answers, a pending question and one it could not answer", async () => {
    const at = '2026-11-21T08:00:00.000Z';
    await renderInTestApp(
      <SchemaVersionTimeline
        versions={[
          makeVersion({
            version: 7,
            compatibility: { status: 'pending', level: 'FULL' },
          }),
          makeVersion({
            version: 6,
            compatibility: { status: 'unknown', level: 'FORWARD' },
          }),
          makeVersion({
            version: 5,
            compatibility: {
              status: 'compatible',
              level: 'BACKWARD_TRANSITIVE',
              against: [4, 1, 2, 3],
              checkedAt: at,
            },
          }),
          makeVersion({
            version: 4,
            compatibility: {
              status: 'incompatible',
              level: 'BACKWARD',
              against: [3],
              checkedAt: at,
            },
          }),
          makeVersion({
            version: 3,
            compatibility: {
              status: 'compatible',
              level: 'FULL_TRANSITIVE',
              against: [1, 2],
              checkedAt: at,
            },
          }),
          makeVersion({
            version: 1,
            compatibility: { status: 'first', level: 'BACKWARD' },
          }),
        ]}
      />,
    );
    const text = (n: number) =>
      screen.getByRole('listitem', { name: new RegExp(`^Version ${n}\\b`) })
        .textContent;
    expect(text(7)).toContain(
      'Not known yetseen under FULL; the registry did not answer, asked again at the next sync',
    );
    expect(text(6)).toContain(
      'Unknownseen under FORWARD; the registry could not answer under it',
    );
    expect(text(5)).toContain('Compatiblewith v1–v4 under BACKWARD_TRANSITIVE');
    expect(text(4)).toContain('Not compatiblewith v3 under BACKWARD');
    expect(text(3)).toContain('Compatiblewith v1, v2 under FULL_TRANSITIVE');
    expect(text(1)).toContain(
      'First versionnothing before it to check; seen under BACKWARD',
    );
  });

  it('says when no version is synced yet', async () => {
    await renderInTestApp(<SchemaVersionTimeline versions={[]} />);
    expect(
      screen.getByText('No version has been synced yet.'),
    ).toBeInTheDocument();
  });
});
