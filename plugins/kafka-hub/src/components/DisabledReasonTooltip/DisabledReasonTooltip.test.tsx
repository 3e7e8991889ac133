import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import Button from '@material-ui/core/Button';
import { DisabledReasonTooltip } from './DisabledReasonTooltip';

describe('DisabledReasonTooltip', () => {
  it('takes focus for its disabled button, and tabbing to it shows why the button is disabled', async () => {
    render(
      <>
        <Button>Before</Button>
        <DisabledReasonTooltip reason="A provisioning run is in progress">
          <Button disabled>Retry provisioning</Button>
        </DisabledReasonTooltip>
      </>,
    );
    expect(screen.queryByRole('tooltip')).toBeNull();

    await userEvent.tab();
    expect(screen.getByRole('button', { name: 'Before' })).toHaveFocus();
    await userEvent.tab();
    const button = screen.getByRole('button', { name: 'Retry provisioning' });
    // The disabled button cannot be focused; its wrapper is.
    expect(button).toBeDisabled();
    const wrapper = button.parentElement!;
    expect(wrapper).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'A provisioning run is in progress',
    );
    // Screen readers hear the reason as the focused element's description.
    expect(wrapper).toHaveAccessibleDescription(
      'A provisioning run is in progress',
    );

    // Escape dismisses it; leaving and coming back shows it again.
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
    await userEvent.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Before' })).toHaveFocus();
    await userEvent.tab();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'A provisioning run is in progress',
    );
  });
});
