import { expect, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

test("the guest's team is notified that checkout's provisioning partly failed, with a link to its Kafka tab", async ({
  page,
}) => {
  await signInAsGuest(page);
  // Stage refuses checkout's topics (no ACL for checkout. there): the first
  // run ends partial, and team-orders, the guest's team, is told once.
  await openWhenShown(
    page,
    '/notifications',
    'Kafka provisioning of checkout partly failed',
  );
  const notification = page
    .getByRole('row')
    .filter({ hasText: 'Kafka provisioning of checkout partly failed' });
  await expect(notification).toHaveCount(1);
  // The first line of the run's error, as the team reads it on the tab.
  await expect(notification).toContainText(/(prod|stage): /);
  await page.screenshot({
    path: `${screenshots}/notifications-provisioning.png`,
    fullPage: true,
  });
  await notification
    .getByRole('link', { name: /Kafka provisioning of checkout/ })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/checkout-service\/kafka$/,
  );
});
