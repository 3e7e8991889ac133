import { expect, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

test("an application's Consumer groups tab lists its groups; the detail charts lag and sorts partitions", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  await openWhenShown(
    page,
    // The environment filter lives in the URL (dev and stage share the
    // demo's broker, so each group is there twice without it).
    '/catalog/default/component/orders-service/consumer-groups?environment=dev',
    'orders.analytics',
    150_000,
  );
  const table = page.getByRole('table', { name: 'Consumer groups' });
  await expect(table.getByText('orders.fulfilment')).toBeVisible();
  await expect(table.getByText('payments.settlement')).toHaveCount(0);
  await page.screenshot({
    path: `${screenshots}/consumer-groups-entity-tab.png`,
    fullPage: true,
  });

  await table.getByRole('link', { name: 'orders.analytics' }).click();
  await expect(page).toHaveURL(/consumer-groups\/dev\/orders\.analytics/);

  // The sampler runs every 10 s in the demo: wait for two samples, a line.
  const chart = page.getByRole('figure', {
    name: 'Lag history of orders.analytics in dev',
  });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh consumer group' }).click();
    await expect(chart.locator('path.recharts-curve').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000, intervals: [5_000] });

  const partitions = page.getByRole('table', { name: 'Partition lag' });
  const firstPartition = () =>
    partitions.locator('tbody tr').first().locator('td').nth(1);
  await partitions.getByRole('button', { name: 'Partition' }).click();
  await expect(firstPartition()).toHaveText('0');
  await partitions.getByRole('button', { name: 'Partition' }).click();
  await expect(firstPartition()).not.toHaveText('0');
  await page.screenshot({
    path: `${screenshots}/consumer-group-detail.png`,
    fullPage: true,
  });
});

test('the unified consumer groups view shows summary cards and only readable groups', async ({
  page,
}) => {
  test.setTimeout(200_000);
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/kafka-hub/consumer-groups',
    'orders.fulfilment',
    150_000,
  );
  // The demo's dev and stage share a broker: each group shows once per environment.
  await expect(
    page.getByRole('link', { name: 'checkout.session-tracker' }),
  ).toHaveCount(2);
  await expect(page.getByText('payments.reconciler')).toHaveCount(0);
  await expect(page.getByText('Total lag').first()).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/consumer-groups-unified.png`,
    fullPage: true,
  });
});
