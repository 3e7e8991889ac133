import { render, screen } from '@testing-library/react';
import { getContrastRatio, Theme } from '@material-ui/core/styles';
import { surfaces } from '../../theme/readableColour';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import {
  PROVISIONING_STATUSES,
  ProvisioningStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ProvisioningStatusBadge } from './ProvisioningStatusBadge';

const renderIn = (theme: 'light' | 'dark', status: ProvisioningStatus) =>
  render(
    <UnifiedThemeProvider theme={themes[theme]}>
      <ProvisioningStatusBadge status={status} />
    </UnifiedThemeProvider>,
  );

// The card, the page's background that striped rows take, and the hover
// and selected tints of a row.
const backgrounds = (theme: 'light' | 'dark') =>
  surfaces(themes[theme].getTheme('v4') as Theme);

describe('ProvisioningStatusBadge', () => {
  it.each([
    ['pending', 'Pending', 'pending'],
    ['in_progress', 'In progress', 'running'],
    ['completed', 'Completed', 'ok'],
    ['partial', 'Partial', 'warning'],
    ['failed', 'Failed', 'error'],
  ] as const)(
    'shows %s as "%s" in a shade of the theme\'s %s colour readable on the card and the rows (AA) in both themes',
    (status, label, _colour) => {
      for (const theme of ['light', 'dark'] as const) {
        const { unmount } = renderIn(theme, status);
        const chip = screen.getByLabelText(`Provisioning status: ${label}`);
        expect(chip).toHaveTextContent(label);
        const colour = getComputedStyle(chip).color;
        for (const background of backgrounds(theme)) {
          expect(getContrastRatio(colour, background)).toBeGreaterThanOrEqual(
            4.5,
          );
        }
        unmount();
      }
    },
  );

  it('covers every status', () => {
    for (const status of PROVISIONING_STATUSES) {
      const { unmount } = renderIn('dark', status);
      expect(
        screen.getByLabelText(/^Provisioning status: /),
      ).toBeInTheDocument();
      unmount();
    }
  });

  it('spins only while in progress', () => {
    const { container, rerender } = renderIn('light', 'in_progress');
    expect(container.querySelector('svg')).toHaveAttribute(
      'data-spinning',
      'true',
    );
    rerender(
      <UnifiedThemeProvider theme={themes.light}>
        <ProvisioningStatusBadge status="failed" />
      </UnifiedThemeProvider>,
    );
    expect(container.querySelector('svg')).toHaveAttribute(
      'data-spinning',
      'false',
    );
  });
});
