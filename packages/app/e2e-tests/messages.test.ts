import { expect, test } from '@playwright/test';
import { screenshots, signInAsGuest } from './demo';

test("an owner reads a topic's messages decoded from Avro on the Kafka tab", async ({
  page,
}) => {
  // The guest is a member of team-orders, which owns orders-service.
  await signInAsGuest(page);
  const dev = page.getByRole('region', { name: 'Topics in dev' });
  const readMessages = dev.getByRole('button', {
    name: 'Read messages of orders.created',
  });
  // The topic sampler stores the topics a few seconds after the start.
  await expect(async () => {
    await page.goto('/catalog/default/component/orders-service/kafka');
    await expect(readMessages).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000, intervals: [2_000] });

  await readMessages.click();
  const dialog = page.getByRole('dialog', {
    name: 'Messages of orders.created in dev',
  });
  const table = dialog.getByRole('table', {
    name: 'Messages of orders.created',
  });
  await expect(table).toBeVisible({ timeout: 30_000 });
  // The seed writes orders.created in the Confluent wire format with the
  // latest orders.created-value schema: the backend decodes it.
  await expect(table.getByText(/^Avro · schema \d+$/).first()).toBeVisible();
  await expect(table.getByText(/"orderId": "/).first()).toBeVisible();
  await expect(table.getByText(/"currency": "/).first()).toBeVisible();
  // app-config.yaml masks customerId before it leaves the backend.
  await expect(table.getByText(/"customerId": "\*\*\*"/).first()).toBeVisible();
  await expect(dialog.getByText(/\d+ messages\./)).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/entity-topic-messages.png`,
    fullPage: true,
  });

  // Keyboard: Escape closes the dialog.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
