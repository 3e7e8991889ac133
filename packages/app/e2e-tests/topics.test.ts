import { expect, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

/*
 * The demo seed creates orders.returns under orders-service's namespace
 * without declaring it (scripts/demo/seed.mjs): the topic sampler (every
 * 30 s in the demo) stores it with its drift, "Undeclared".
 */

test("a topic's drift shows on the entity's Topics card and on the Kafka Hub Topics tab", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);

  await openWhenShown(
    page,
    '/catalog/default/component/orders-service/kafka',
    'orders.returns',
    150_000,
  );
  const card = page.getByRole('table', { name: 'Topics of orders.* in dev' });
  const cardRow = (topic: string) =>
    card
      .getByRole('row')
      .filter({ has: page.getByText(topic, { exact: true }) });
  await expect(cardRow('orders.returns')).toContainText('Undeclared');
  await expect(cardRow('orders.created')).not.toContainText('Undeclared');
  await cardRow('orders.returns').scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshots}/topics-entity-drift.png`,
    fullPage: true,
  });

  // Drift only: the undeclared topic with its application, none of the
  // declared ones.
  await expect(async () => {
    await page.goto('/kafka-hub/topics?drift=true');
    await expect(
      page
        .getByRole('table', { name: 'Topics', exact: true })
        .getByText('orders.returns', {
          exact: true,
        }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await expect(
    page.getByRole('tab', { name: 'Topics', exact: true }),
  ).toHaveAttribute('aria-selected', 'true');
  const table = page.getByRole('table', { name: 'Topics', exact: true });
  const row = (topic: string) =>
    table
      .getByRole('row')
      .filter({ has: page.getByText(topic, { exact: true }) });
  await expect(row('orders.returns')).toContainText('Undeclared');
  await expect(
    row('orders.returns').getByRole('link', { name: 'orders-service' }),
  ).toBeVisible();
  await expect(row('orders.returns')).toContainText('dev');
  await expect(table.getByText('orders.created', { exact: true })).toHaveCount(
    0,
  );
  await page.screenshot({
    path: `${screenshots}/kafka-hub-topics-drift.png`,
    fullPage: true,
  });

  // Without the filter, a declared topic reads "As declared" (dev only:
  // orders-service's topics are on stage too).
  await page.getByRole('button', { name: /^Drift/ }).click();
  await page.getByRole('option', { name: 'With or without drift' }).click();
  await expect(page).toHaveURL(/\/kafka-hub\/topics$/);
  await page.goto('/kafka-hub/topics?environment=dev&search=orders.');
  await expect(row('orders.created')).toContainText('As declared');
  await expect(row('orders.returns')).toContainText('Undeclared');
});
