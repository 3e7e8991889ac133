import { expect, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

test("an application's Consumer groups tab lists its groups; the detail charts lag and sorts partitions", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  await openWhenShown(
    page,
    // The environment filter lives in the URL: orders.fulfilment also
    // consumes on stage, the demo's second cluster.
    '/catalog/default/component/orders-service/consumer-groups?environment=dev',
    'orders.analytics',
    150_000,
  );
  const table = page.getByRole('table', { name: 'Consumer groups' });
  await expect(table.getByText('orders.fulfilment')).toBeVisible();
  await expect(table.getByText('payments.settlement')).toHaveCount(0);
  // Only stage's cluster has the load test's group.
  await expect(table.getByText('orders.load-test')).toHaveCount(0);
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

  // Per topic: one line per topic the group reads; then its top partitions.
  await page.getByRole('button', { name: /^Per topic:/ }).click();
  const legend = chart.locator('.recharts-legend-item-text');
  await expect(legend.filter({ hasText: /^orders\./ }).first()).toBeVisible({
    timeout: 30_000,
  });
  await page.screenshot({
    path: `${screenshots}/consumer-group-lag-per-topic.png`,
    fullPage: true,
  });
  await page.getByRole('button', { name: /^Top 10 partitions:/ }).click();
  await expect(
    legend.filter({ hasText: /^orders\.[\w.-]+-\d+$/ }).first(),
  ).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: /^Total:/ }).click();

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
  // dev and stage are different clusters with different groups: a group
  // shows once for each cluster it consumes on.
  const table = page.getByRole('table', { name: 'Consumer groups' });
  const rows = (group: string) =>
    table.locator('tbody tr', {
      has: page.getByRole('link', { name: group, exact: true }),
    });
  await expect(rows('orders.fulfilment')).toHaveCount(2);
  await expect(rows('checkout.session-tracker')).toHaveCount(1);
  await expect(rows('checkout.session-tracker')).toContainText('dev');
  await expect(rows('orders.load-test')).toHaveCount(1);
  await expect(rows('orders.load-test')).toContainText('stage');
  await expect(rows('orders.load-test')).toContainText('Empty');
  await expect(page.getByText('payments.reconciler')).toHaveCount(0);
  await expect(page.getByText('Total lag').first()).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/consumer-groups-unified.png`,
    fullPage: true,
  });
});
