import { expect, Page, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

const row = (page: Page, subject: string) =>
  page.locator('tr', { has: page.getByText(subject, { exact: true }) });

test("an application's Schemas tab lists its subjects; the detail shows the timeline, a diff and a compatibility check", async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/catalog/default/component/orders-service/schemas',
    'orders.created-value',
  );
  await expect(row(page, 'orders.created-value')).toContainText('Avro');
  await expect(row(page, 'orders.created-value')).toContainText('v3');
  await expect(row(page, 'orders.created-value')).toContainText(
    'BACKWARD_TRANSITIVE',
  );
  await expect(row(page, 'orders.shipped-value')).toContainText('FULL');
  await expect(page.getByText('payments.captured-value')).toHaveCount(0);
  await page.screenshot({
    path: `${screenshots}/schemas-entity-tab.png`,
    fullPage: true,
  });

  await page
    .getByRole('link', { name: 'orders.created-value', exact: true })
    .click();
  await expect(page).toHaveURL(/\/schemas\/dev\/orders\.created-value$/);
  await expect(page.getByText('3 versions, newest first')).toBeVisible();
  await expect(
    page.getByText(/The Schema Registry does not record when a version/),
  ).toBeVisible();
  // v2 against v3: v3 added the items field.
  await expect(
    page.getByText(/\d+ lines? added, 0 lines removed/),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/schemas-detail-diff.png`,
    fullPage: true,
  });

  await page.getByRole('button', { name: 'Check compatibility' }).click();
  const dialog = page.getByRole('dialog');
  // Prefilled with the latest version, which is compatible with itself.
  await dialog.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(dialog.getByText('Compatible', { exact: true })).toBeVisible();
  await page.screenshot({ path: `${screenshots}/schemas-compatibility.png` });
});

test('the unified schemas view lists only what the guest may read', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(page, '/kafka-hub/schemas', 'orders.created-value');
  await expect(row(page, 'checkout.completed-value')).toBeVisible();
  // team-payments' subjects and unlinked ones are not the guest's.
  await expect(page.getByText('payments.captured-value')).toHaveCount(0);
  await expect(page.getByText('com.acme.Money')).toHaveCount(0);
  await expect(page.getByText('Not linked')).toHaveCount(0);

  await page.getByLabel('Format', { exact: true }).click();
  await page.getByRole('option', { name: 'Avro' }).click();
  await expect(page).toHaveURL(/format=AVRO/);
  await page.screenshot({
    path: `${screenshots}/schemas-unified-member.png`,
    fullPage: true,
  });
});

test('@admin the unified schemas view shows unlinked subjects to admins', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(page, '/kafka-hub/schemas', 'com.acme.Money');
  await expect(row(page, 'com.acme.Money')).toContainText('Not linked');
  await expect(row(page, 'payments.captured-value')).toContainText('Protobuf');
  await page.screenshot({
    path: `${screenshots}/schemas-unified-admin.png`,
    fullPage: true,
  });
});
