import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RefreshButton } from './RefreshButton';

describe('RefreshButton', () => {
  it('reloads on click and from the keyboard', async () => {
    const onRefresh = jest.fn();
    render(<RefreshButton label="Refresh schemas" onRefresh={onRefresh} />);
    const button = screen.getByRole('button', { name: 'Refresh schemas' });
    await userEvent.click(button);
    await userEvent.keyboard('{Enter}');
    expect(onRefresh).toHaveBeenCalledTimes(2);
    expect(button).toHaveAttribute('aria-disabled', 'false');
  });

  it('stays reachable from the keyboard while loading, says so, and does nothing', async () => {
    const onRefresh = jest.fn();
    render(
      <>
        <button type="button">before</button>
        <RefreshButton label="Refresh schemas" onRefresh={onRefresh} loading />
      </>,
    );
    screen.getByRole('button', { name: 'before' }).focus();
    await userEvent.tab();
    const button = screen.getByRole('button', { name: 'Refresh schemas' });
    expect(button).toHaveFocus();
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Loading…');
    await userEvent.keyboard('{Enter}');
    await userEvent.click(button);
    expect(onRefresh).not.toHaveBeenCalled();
  });
});
