import { expect, test } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle, signIn } from './helpers';
import { acceptDialogs, goToStage, join, lockAllQuestions, newCheckpoint, refresh, vote, waitLive } from './live';

test.describe.configure({ mode: 'serial' });

test('the squad answers the survey, the facilitator finalises and exports, a viewer finds it in the history with its trend @summary', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const js = jsEnabled(testInfo);
  const { url, code } = await newCheckpoint(page, testInfo);
  const id = url.split('/').pop()!;
  const squadLink = page.locator('.breadcrumb a').first();
  const squadName = (await squadLink.textContent())!.trim();
  const slug = (await squadLink.getAttribute('href'))!.split('/').pop()!;
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  if (js) await waitLive(ana.page);

  // Ana votes on the lead time; the facilitator locks all four.
  await goToStage(page, 'Lead time for changes');
  await refresh(ana.page, testInfo);
  await vote(ana.page, 'Less than one day');
  await lockAllQuestions(page, testInfo);

  // The Summary stage shows the voted result to everyone.
  await goToStage(page, 'Summary');
  await expect(page.getByRole('heading', { name: 'Summary', level: 2 })).toBeVisible();
  await expect(page.getByTestId('summary-answers')).toContainText('Less than one day');
  // A reload at this stage (and at the survey) hydrates with what the server rendered.
  await ana.page.reload();
  await settle(ana.page, testInfo);
  await expect(ana.page.getByTestId('summary-voted-level')).toBeVisible();

  // The survey: Ana answers once, anonymously.
  await goToStage(page, 'Survey');
  await refresh(ana.page, testInfo);
  await expect(ana.page.getByRole('heading', { name: 'Survey', level: 2 })).toBeVisible();
  await ana.page.getByRole('radio', { name: '4' }).check();
  await ana.page.getByLabel('What went well?').fill('Seeing the measured numbers');
  await ana.page.getByLabel('What should we improve?').fill('<img src=x onerror=alert(1)>');
  await ana.page.getByRole('button', { name: 'Send anonymously' }).click();
  await expect(ana.page.getByTestId('survey-thanks')).toBeVisible();
  await ana.page.reload();
  await settle(ana.page, testInfo);
  await expect(ana.page.getByTestId('survey-thanks')).toBeVisible();
  await ana.context.close();

  // The facilitator writes highlights and finalises on the summary page.
  acceptDialogs(page);
  await open(page, testInfo, `/checkpoints/${id}/summary`);
  await expect(page.getByTestId('summary-status')).toHaveText('Draft · not finalised yet');
  // One answer alone would name its author: only the count shows until three have answered.
  await expect(page.getByTestId('survey-withheld')).toContainText('1 response so far');
  await expect(page.getByRole('region', { name: 'Survey' })).not.toContainText('Seeing the measured numbers');
  await page.getByRole('textbox', { name: 'Highlights', exact: true }).fill('Lead time under a day.\n\nNext: trunk-based development.');
  await page.getByRole('button', { name: 'Save highlights' }).click();
  await expect(page.getByText('Highlights saved.')).toBeVisible();
  await settle(page, testInfo);
  await page.getByRole('button', { name: 'Finalise the summary' }).click();
  await expect(page.getByTestId('summary-status')).toContainText('Finalised · revision 1');
  await settle(page, testInfo);
  await expect(page.getByTestId('highlights')).toContainText('Next: trunk-based development.');
  await expect(page.getByRole('button', { name: 'Finalise the summary' })).toHaveCount(0);
  await expectAccessible(page);

  // Every export, as the page links them.
  for (const [format, type] of [['md', 'text/markdown'], ['json', 'application/json'], ['html', 'text/html']]) {
    const res = await page.request.get(`/api/v1/checkpoints/${id}/export?format=${format}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain(type);
    const body = await res.text();
    if (format === 'md') {
      expect(body).toContain(`# DevOps Checkpoint: ${squadName}`);
      expect(body).toContain('Revision 1, finalised');
    }
    // A lone survey answer stays out of every export too.
    expect(body).not.toContain('onerror');
    if (format === 'json') expect(JSON.parse(body)).toMatchObject({ revision: 1, survey: { responses: 1 } });
  }
  await expect(page.getByRole('link', { name: 'Markdown', exact: true })).toHaveAttribute('href', `/api/v1/checkpoints/${id}/export?format=md&revision=1`);
  if (js) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy as Markdown' }).click();
    await expect(page.getByText('Markdown copied to the clipboard.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('## Highlights');
  }

  // A correction makes revision 2; revision 1 stays readable.
  await page.getByText('Correct this summary').click();
  await page.getByLabel('What does this correction change?').fill('Named the next capability');
  await page.locator('#correct-highlights').fill('Lead time under a day. Next: trunk-based development and small batches.');
  await page.getByRole('button', { name: 'Save as revision 2' }).click();
  await expect(page.getByTestId('summary-status')).toContainText('Finalised · revision 2');
  await settle(page, testInfo);
  await page.getByRole('link', { name: /^Revision 1 ·/ }).click();
  await expect(page.getByTestId('summary-status')).toContainText('revision 1');
  await expect(page.getByTestId('highlights')).not.toContainText('small batches');

  // A viewer reads the history and the trend, and sees no controls.
  await open(page, testInfo, '/admin/users');
  const viewer = `reader-${testInfo.project.name}`;
  await page.getByLabel('Username').fill(viewer);
  await page.getByLabel('Initial password').fill('viewer password 1');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: viewer, exact: true })).toBeVisible();
  const context = await browser.newContext();
  const reader = await context.newPage();
  await signIn(reader, testInfo, viewer, 'viewer password 1');
  await open(reader, testInfo, `/history?tribe=Live`);
  const row = reader.getByTestId('history').getByRole('row').filter({ hasText: squadName });
  await expect(row).toContainText('Revision 2');
  await expect(reader.getByTestId('spread')).toBeVisible();
  await expectAccessible(reader);
  await row.getByRole('link', { name: squadName }).click();
  await expect(reader).toHaveURL(new RegExp(`/squads/${slug}/trend$`));
  await settle(reader, testInfo);
  await expect(reader.getByTestId('trend').getByRole('row')).toHaveCount(2);
  await expect(reader.getByTestId('trend')).toContainText('Less than one day');
  await expectAccessible(reader);
  await open(reader, testInfo, `/checkpoints/${id}/summary`);
  await expect(reader.getByTestId('summary-status')).toContainText('revision 2');
  await expect(reader.getByText('Correct this summary')).toHaveCount(0);
  await expect(reader.getByRole('textbox', { name: 'Highlights', exact: true })).toHaveCount(0);
  await open(reader, testInfo, `/checkpoints/${id}`);
  await expect(reader.getByRole('link', { name: "the checkpoint's summary" })).toBeVisible();
  await expect(reader.getByRole('button', { name: /Start|End the checkpoint/ })).toHaveCount(0);
  await context.close();
});
