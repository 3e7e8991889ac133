import { expect, test } from '@playwright/test';
import { screenshots, signInAsGuest } from './demo';

test('the Kafka Hub page shows live health of each environment', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Kafka Hub' }).click();
  await expect(page).toHaveURL(/\/kafka-hub$/);

  const table = page.locator('table').filter({ hasText: 'Environment' });
  const row = (env: string) =>
    table.locator('tr', { has: page.getByText(env, { exact: true }) });

  // dev is the local broker and Apicurio; stage a second broker that Kafka
  // Hub signs in to with SASL, as a user with ACLs; prod is deliberately
  // not running.
  await expect(row('dev')).toContainText('Reachable');
  await expect(row('dev')).not.toContainText('Unreachable');
  await expect(row('stage')).toContainText('SASL');
  await expect(row('stage')).toContainText('Reachable');
  await expect(row('stage')).not.toContainText('Unreachable');
  await expect(row('prod')).toContainText('Unreachable');
  await expect(row('prod')).toContainText('ECONNREFUSED');
  await page.screenshot({
    path: `${screenshots}/kafka-hub-page.png`,
    fullPage: true,
  });
});

test("an application's Kafka tab shows its namespace and topics", async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/orders-service/kafka');
  await expect(page.getByText('orders.*')).toBeVisible();
  await expect(
    page.getByText(
      'orders.created, orders.shipped (6 partitions), orders.cancelled',
    ),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/entity-kafka-tab.png`,
    fullPage: true,
  });
});

test('a malformed annotation is named on the entity tab', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/fraud-detector/kafka');
  await expect(
    page.getByText(/1 malformed Kafka Hub annotation/),
  ).toBeVisible();
  // Named in the annotation warning and in the provisioning status.
  const named = 'Annotation kafka-hub.io/topics: "scores:0,alerts"';
  await expect(
    page.getByRole('paragraph').filter({ hasText: new RegExp(`^${named}`) }),
  ).toBeVisible();
  await expect(
    page.getByText('Not provisioned until the annotations are fixed'),
  ).toContainText(named);
  await page.screenshot({
    path: `${screenshots}/entity-bad-annotation.png`,
    fullPage: true,
  });
});
