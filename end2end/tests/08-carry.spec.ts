import { expect, test } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle } from './helpers';
import { goToStage, newCheckpoint, waitLive } from './live';

test('an action carried over at the next checkpoint appears on its board, linked to where it came from @carry', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsEnabled(testInfo);
  const title = `Alert on failed deploys ${testInfo.project.name}`;
  await newCheckpoint(page, testInfo);
  if (js) await waitLive(page);
  await goToStage(page, 'Path to production');
  await settle(page, testInfo);
  const form = page.getByRole('form', { name: 'New action' });
  await form.getByLabel('Action', { exact: true }).fill(title);
  await form.getByLabel('Owner').fill('Ana');
  await form.getByLabel('Due').fill('2026-12-18');
  await form.getByRole('button', { name: 'Add action' }).click();
  await expect(page.getByTestId('actions').getByRole('row', { name: new RegExp(title) })).toBeVisible();

  // The squad's next checkpoint reviews it at its welcome stage and carries it over.
  const slug = (await page.locator('.breadcrumb a').first().getAttribute('href'))!.split('/').pop()!;
  await open(page, testInfo, `/squads/${slug}`);
  await page.getByRole('button', { name: 'Create checkpoint' }).click();
  await expect(page).toHaveURL(/\/checkpoints\/[0-9a-f-]+$/);
  await page.reload();
  await settle(page, testInfo);
  const review = page.getByTestId('action-review');
  await expect(review.getByRole('row', { name: new RegExp(title) })).toBeVisible();
  await review.getByLabel(`Status of ${title}`).selectOption('carried');
  await review.getByRole('button', { name: 'Set' }).click();
  await expect(review.getByRole('row', { name: new RegExp(title) })).toContainText("Carried over: in this checkpoint's actions");
  await settle(page, testInfo);
  await expectAccessible(page);

  if (js) await waitLive(page);
  await goToStage(page, 'Path to production');
  const copy = page.getByTestId('actions').getByRole('row', { name: new RegExp(title) });
  await expect(copy).toContainText('carried over from the checkpoint of');
  await expect(copy).toContainText('Ana');
  await expect(copy.getByRole('link', { name: /carried over from/ })).toHaveAttribute('href', /\/checkpoints\/[0-9a-f-]+\/summary$/);

  // The history pages say where they are.
  await open(page, testInfo, `/history?squad=${slug}`);
  await expect(page.getByTestId('pager-position')).toHaveText('Page 1 of 1 · 2 checkpoints');
  await expect(page.getByTestId('action-progress')).toContainText('1 carried over');
});
