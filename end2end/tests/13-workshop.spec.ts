import { expect, Page, test } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle } from './helpers';
import { acceptDialogs, goToStage, join, newCheckpoint, vote, waitLive } from './live';

// The whole workshop as a facilitator runs it: a laptop, a phone and the
// projector, from the welcome to the end of the room.
test.describe.configure({ mode: 'serial' });

const STAGES = ['Welcome', 'Set the scene', 'Lead time for changes', 'Deployment frequency', 'Time to restore service',
  'Change failure rate', 'Maturity', 'Capabilities', 'Path to production', 'Summary', 'Survey'];

/** Every console error and uncaught exception of `p`, a refused inline style (the CSP) included. */
function collectErrors(p: Page, who: string, into: string[]) {
  p.on('console', (m) => { if (m.type() === 'error') into.push(`${who}: ${m.text()}`); });
  p.on('pageerror', (e) => into.push(`${who}: ${e.message}`));
}

async function pageWidth(p: Page) {
  return p.evaluate(() => document.documentElement.scrollWidth);
}

test('the projector follows every stage in large type, phones fit every stage, and no screen logs an error @projector', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'the projector follows the room live');
  test.setTimeout(300_000);
  acceptDialogs(page);
  const { url, code } = await newCheckpoint(page, testInfo);
  await waitLive(page);
  const phone = await join(browser, testInfo, code, 'Pat');
  await phone.page.setViewportSize({ width: 390, height: 844 });
  await waitLive(phone.page);
  const errors: string[] = [];
  collectErrors(page, 'facilitator', errors);
  collectErrors(phone.page, 'phone', errors);

  // The facilitator opens the projector view from the bar.
  const [projector] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByTestId('open-projector').click(),
  ]);
  collectErrors(projector, 'projector', errors);
  await projector.setViewportSize({ width: 1920, height: 1080 });
  await settle(projector, testInfo);
  await waitLive(projector);
  // No site chrome, no control, the join address and a QR code drawn on the server.
  await expect(projector.locator('.site-header')).toBeHidden();
  await expect(projector.getByTestId('projector-stage')).toHaveText('Welcome');
  await expect(projector.getByTestId('projector-join-url')).toHaveText(new RegExp(`/join\\?code=${code}$`));
  await expect(projector.getByTestId('projector-join-code')).toHaveText(code);
  await expect(projector.getByTestId('projector-qr').locator('svg')).toBeVisible();
  await expect(projector.getByTestId('projector-people')).toHaveText('1 joined: Pat');
  await expectAccessible(projector);

  for (const stage of STAGES) {
    if (stage !== 'Welcome') await goToStage(page, stage);
    await expect(projector.getByTestId('projector-stage')).toHaveText(stage);
    await expect(phone.page.getByRole('heading', { name: stage, level: 2 })).toBeVisible();
    await expect(projector.getByTestId('projector').locator('form, button, textarea, select, input')).toHaveCount(0);
    if (stage === 'Lead time for changes') {
      // The live count while votes are secret, then the reveal's distribution.
      await expect(projector.getByTestId('projector-vote-count')).toHaveText('0 of 1 voted');
      await vote(phone.page, 'Less than one day');
      await expect(projector.getByTestId('projector-vote-count')).toHaveText('1 of 1 voted');
      await expect(projector.getByTestId('distribution')).toHaveCount(0);
      await page.getByRole('button', { name: 'Reveal the votes' }).click();
      await expect(projector.getByTestId('distribution').locator('tr[data-answer="less_than_one_day"]')).toContainText('Pat');
    }
    if (['Deployment frequency', 'Time to restore service', 'Change failure rate'].includes(stage)) {
      await page.getByRole('button', { name: 'Reveal the votes' }).click();
    }
    if (stage.includes('for changes') || ['Deployment frequency', 'Time to restore service', 'Change failure rate'].includes(stage)) {
      await page.getByRole('button', { name: 'Lock the answer' }).click();
      await expect(projector.getByTestId('locked-answer')).toBeVisible();
    }
    if (stage === 'Maturity') await expect(projector.getByTestId('level')).toBeVisible();
    if (stage === 'Capabilities') {
      await expect(projector.getByTestId('projector-rated-count')).toHaveText('0 of 1 done');
      await page.getByRole('button', { name: 'Reveal the scores' }).click();
      await expect(projector.getByTestId('scores')).toBeVisible();
    }
    if (stage === 'Path to production') {
      await page.getByRole('button', { name: 'Start from the template' }).click();
      // Every step of the seven-step flow fits the projector's width.
      const columns = projector.getByTestId('present-board').locator(':scope > li');
      await expect(columns).toHaveCount(7);
      const last = await columns.nth(6).boundingBox();
      expect(last!.x + last!.width).toBeLessThanOrEqual(1920);
      // On the laptop the board takes the room's width: the presence list is a strip above it.
      await page.setViewportSize({ width: 1366, height: 768 });
      const board = await page.locator('#board').boundingBox();
      expect(board!.width).toBeGreaterThan(1100);
      expect(await pageWidth(page)).toBeLessThanOrEqual(1366);
      // The phone adds a note in one column of steps.
      const form = phone.page.getByRole('form', { name: 'Add a note to Build' });
      await form.getByLabel('New note in Build').fill('Release notes written by hand');
      await form.getByRole('button', { name: 'Add note' }).click();
      await expect(projector.locator('.note').filter({ hasText: 'Release notes written by hand' })).toBeVisible();
      // Each person is offered only what their role allows: the participant gets no facilitator control.
      for (const name of ['End the checkpoint', 'Open voting', 'Start from the template', 'Next: Summary']) {
        await expect(phone.page.getByRole('button', { name })).toHaveCount(0);
      }
      await expect(phone.page.getByText('Edit the steps')).toHaveCount(0);
      await expect(phone.page.getByTestId('open-projector')).toHaveCount(0);
      await expect(phone.page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Open voting' })).toBeVisible();
      await expectAccessible(projector);
    }
    // Nothing on the phone is wider than the phone.
    expect(await pageWidth(phone.page), `the phone at ${stage}`).toBeLessThanOrEqual(390);
  }
  await expect(projector.getByTestId('projector-survey-count')).toHaveText('0 responses so far');
  expect(errors).toEqual([]);
  await phone.context.close();
});

test('finalising the summary keeps the survey open until the facilitator ends the checkpoint @summary', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const js = jsEnabled(testInfo);
  acceptDialogs(page);
  const { url, code } = await newCheckpoint(page, testInfo);
  const id = url.split('/').pop()!;
  const ana = await join(browser, testInfo, code, 'Ana');
  const errors: string[] = [];
  collectErrors(page, 'facilitator', errors);
  collectErrors(ana.page, 'ana', errors);

  await goToStage(page, 'Summary');
  await open(page, testInfo, `/checkpoints/${id}/summary`);
  await expect(page.getByText('The room stays open: the survey still runs until you end the checkpoint')).toBeVisible();
  await page.getByRole('button', { name: 'Finalise the summary' }).click();
  await expect(page.getByTestId('summary-status')).toContainText('Finalised · revision 1');

  // Back in the room: still live, and "Next: Survey" takes everyone there.
  await open(page, testInfo, `/checkpoints/${id}`);
  if (js) await waitLive(page);
  await expect(page.locator('.status-pill')).toHaveText('Live');
  await page.getByRole('button', { name: 'Next: Survey' }).click();
  await expect(page.getByRole('heading', { name: 'Survey', level: 2 })).toBeVisible();
  await expect(page.getByTestId('survey-count')).toHaveText('0 responses so far.');
  if (!js) await ana.page.reload();
  await expect(ana.page.getByRole('heading', { name: 'Survey', level: 2 })).toBeVisible();
  await ana.page.getByRole('radio', { name: '5' }).check();
  await ana.page.getByRole('button', { name: 'Send anonymously' }).click();
  await expect(ana.page.getByTestId('survey-thanks')).toBeVisible();
  // The facilitator's count follows without a reload.
  if (!js) await page.reload();
  await expect(page.getByTestId('survey-count')).toHaveText('1 response so far.');

  // Ending the room is apart from the join code, and closes the survey.
  await page.getByRole('button', { name: 'End the checkpoint' }).click();
  await expect(page.locator('.status-pill')).toHaveText('Finished');
  await settle(page, testInfo);

  // A correction can still correct a locked answer, saying why.
  await open(page, testInfo, `/checkpoints/${id}/summary`);
  await page.getByText('Correct this summary').click();
  await page.getByLabel('What does this correction change?').fill('The lead time was recorded wrongly');
  await page.getByText('Correct a locked answer').click();
  await page.getByLabel('Lead time for changes').selectOption('one_day_to_one_week');
  await page.getByRole('button', { name: 'Save as revision 2' }).click();
  await expect(page.getByTestId('summary-status')).toContainText('Finalised · revision 2');
  await expect(page.locator('p.notice').filter({ hasText: 'Correction: The lead time was recorded wrongly' })).toBeVisible();
  await expect(page.getByTestId('summary-answers').getByRole('row', { name: /Lead time for changes/ })).toContainText('Between one day and one week');
  await expectAccessible(page);
  if (js) expect(errors).toEqual([]);
  await ana.context.close();
});
