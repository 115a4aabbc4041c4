import { expect, Page, test } from '@playwright/test';
import { expectAccessible, jsEnabled, open, settle } from './helpers';
import { acceptDialogs, goToStage, join, newCheckpoint, refresh, waitLive } from './live';

test.describe.configure({ mode: 'serial' });

const column = (page: Page, step: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: step, exact: true, level: 3 }) });
const note = (page: Page, text: string) => page.locator('.note').filter({ hasText: text });

async function addNote(page: Page, step: string, kind: string, text: string) {
  const form = page.getByRole('form', { name: `Add a note to ${step}` });
  await form.getByLabel(`New note in ${step}`).fill(text);
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(note(page, text)).toBeVisible();
}

test('the squad maps its flow, moves and edits notes, and dot-votes within the budget @board', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const js = jsEnabled(testInfo);
  let alerted = false;
  const { code } = await newCheckpoint(page, testInfo);
  acceptDialogs(page);
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  const bo = await join(browser, testInfo, code, 'Bo');
  for (const p of [page, ana.page, bo.page]) {
    p.on('dialog', (d) => { if (d.type() === 'alert') alerted = true; });
    if (js) await waitLive(p);
  }
  acceptDialogs(ana.page);

  await goToStage(page, 'Path to production');
  await expect(page.getByText('No steps yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Start from the template' }).click();
  await expect(page.getByRole('heading', { name: 'Deploy to production', level: 3 })).toBeVisible();
  await settle(page, testInfo);
  // The legend's icons are drawn (inline SVG), not glyphs a missing emoji font leaves as boxes.
  await expect(page.locator('.note-chip svg.note-icon')).toHaveCount(4);
  expect(await page.locator('.note-chip').first().textContent()).not.toMatch(/[\u{1F300}-\u{1FAFF}\u2600-\u27BF]/u);
  // Each activity has its own timer: 10, 10 and 5 minutes.
  await expect(page.getByTestId('activity-timer-2')).toHaveText('05:00');
  await page.getByRole('button', { name: 'Start: Map the flow' }).click();
  await expect(page.getByRole('button', { name: 'Pause: Map the flow' })).toBeVisible();
  await expect(page.getByTestId('activity-timer-0')).toHaveText(/^(10:00|09:[0-5]\d)$/);
  await settle(page, testInfo);

  // Ana and Bo add notes; Bo's text is markup, shown as text.
  await refresh(ana.page, testInfo);
  await addNote(ana.page, 'Build', 'manual', 'Release notes written by hand');
  await refresh(bo.page, testInfo);
  await addNote(bo.page, 'Test', 'improvement', '<img src=x onerror=alert(1)>');
  await expect(note(bo.page, '<img src=x onerror=alert(1)>')).toContainText('Improvement');

  // A note made with the keyboard alone.
  await refresh(page, testInfo);
  await page.getByLabel('New note in Deploy to staging').focus();
  await page.keyboard.type('Generate the changelog');
  await page.keyboard.press('Tab');
  await page.keyboard.press('End'); // the last kind: improvement
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(note(page, 'Generate the changelog')).toContainText('Improvement');

  // The facilitator moves Ana's note on to Test and edits it; everyone ends up with the same board.
  await note(page, 'Release notes written by hand').getByRole('button', { name: 'Move to Test' }).click();
  await expect(column(page, 'Test').locator('.note')).toHaveCount(2);
  await settle(page, testInfo);
  await note(page, 'Release notes written by hand').getByText('Edit', { exact: true }).click();
  await note(page, 'Release notes written by hand').getByLabel('Text').fill('Release notes still written by hand');
  await note(page, 'Release notes written by hand').getByRole('button', { name: 'Save' }).click();
  await expect(note(page, 'Release notes still written by hand')).toBeVisible();
  for (const p of [page, ana.page, bo.page]) {
    await refresh(p, testInfo);
    await expect(column(p, 'Test').locator('.note-text')).toHaveText(['<img src=x onerror=alert(1)>', 'Release notes still written by hand']);
    await expect(column(p, 'Deploy to staging').locator('.note-text')).toHaveText(['Generate the changelog']);
    await expect(column(p, 'Build').locator('.note')).toHaveCount(0);
  }
  await expectAccessible(page);

  // Dot voting: two dots each, at most one per note; the server refuses the third.
  await page.getByLabel('Dots per person').fill('2');
  await page.getByLabel('At most on one note').fill('1');
  await page.getByRole('button', { name: 'Open voting' }).click();
  await expect(page.getByRole('button', { name: 'Close voting' })).toBeVisible();
  await settle(page, testInfo);
  await refresh(ana.page, testInfo);
  await expect(ana.page.getByTestId('dots-left')).toHaveText('You have used 0 of 2 dots (at most 1 on one note).');
  await ana.page.getByRole('button', { name: 'Add a dot to Generate the changelog' }).click();
  await expect(ana.page.getByTestId('dots-left')).toContainText('used 1 of 2');
  await ana.page.getByRole('button', { name: 'Add a dot to Generate the changelog' }).click();
  await expect(ana.page.getByRole('alert')).toContainText('at most 1 dots on one note');
  await refresh(ana.page, testInfo);
  await ana.page.getByRole('button', { name: 'Add a dot to <img src=x onerror=alert(1)>' }).click();
  await expect(ana.page.getByTestId('dots-left')).toContainText('used 2 of 2');
  await ana.page.getByRole('button', { name: 'Take a dot back from Generate the changelog' }).click();
  await expect(ana.page.getByTestId('dots-left')).toContainText('used 1 of 2');
  await ana.page.getByRole('button', { name: 'Add a dot to Generate the changelog' }).click();
  await expect(ana.page.getByTestId('dots-left')).toContainText('used 2 of 2');
  await refresh(bo.page, testInfo);
  await bo.page.getByRole('button', { name: 'Add a dot to Generate the changelog' }).click();
  await expect(bo.page.getByTestId('dots-left')).toContainText('used 1 of 2');
  // Counts stay hidden until voting closes.
  await expect(bo.page.locator('.note-dots').first()).not.toContainText(' · ');
  await refresh(ana.page, testInfo);
  await ana.page.getByRole('button', { name: 'Add a dot to Generate the changelog' }).click();
  await expect(ana.page.getByRole('alert')).toContainText(/used all 2|at most 1/);
  await refresh(page, testInfo);
  await page.getByRole('button', { name: 'Close voting' }).click();
  await expect(page.getByTestId('ranking').getByRole('listitem')).toHaveText(['Generate the changelog · 2 dots', '<img src=x onerror=alert(1)> · 1 dot']);
  expect(alerted).toBe(false);

  // The top improvement becomes an action with an owner, a due date and a capability.
  await settle(page, testInfo);
  const form = page.getByRole('form', { name: 'New action' });
  await form.getByLabel('From improvement').selectOption({ label: 'Generate the changelog' });
  await form.getByLabel('Action', { exact: true }).fill('Generate the changelog in the pipeline');
  await form.getByLabel('Owner').fill('Ana');
  await form.getByLabel('Due').fill('2026-12-18');
  await form.getByLabel('Capability it serves').selectOption({ label: 'Deployment automation' });
  await form.getByRole('button', { name: 'Add action' }).click();
  const action = page.getByTestId('actions').getByRole('row', { name: /Generate the changelog in the pipeline/ });
  await expect(action).toContainText('Ana');
  await expect(action).toContainText('Deployment automation');
  await settle(page, testInfo);
  await expectAccessible(page);

  // The summary carries the flow, the ranked improvements and the action; the CSV exports list them.
  const id = page.url().split('/').pop()!.split('#')[0];
  await open(page, testInfo, `/checkpoints/${id}/summary`);
  await expect(page.getByTestId('summary-flow')).toContainText('Manual work: Release notes still written by hand');
  await expect(page.getByTestId('summary-improvements').getByRole('listitem')).toHaveText(['Generate the changelog (Deploy to staging) · 2 dots', '<img src=x onerror=alert(1)> (Test) · 1 dot']);
  await expect(page.getByTestId('summary-actions-table')).toContainText('Generate the changelog in the pipeline');
  const actionsCsv = await (await page.request.get(`/api/v1/checkpoints/${id}/export?format=csv&of=actions`)).text();
  expect(actionsCsv).toBe('title,owner,due,capability,status\r\nGenerate the changelog in the pipeline,Ana,2026-12-18,Deployment automation,open\r\n');
  const notesCsv = await (await page.request.get(`/api/v1/checkpoints/${id}/export?format=csv&of=notes`)).text();
  expect(notesCsv).toContain('Test,1,improvement,<img src=x onerror=alert(1)>');

  // Leadership sees how the actions are going.
  const slug = (await page.locator('.breadcrumb a').first().getAttribute('href'))!.split('/').pop()!;
  await open(page, testInfo, `/history?squad=${slug}`);
  await expect(page.getByTestId('action-progress')).toHaveText('0 of 1 actions done (0 %), 1 open, 0 carried over, 0 dropped.');
  await expect(page.getByTestId('history').getByRole('row').nth(1)).toContainText('0 of 1');

  // The squad's next checkpoint, made from the squad's page, reviews the action at its welcome stage.
  await open(page, testInfo, `/squads/${slug}`);
  await expect(page.getByTestId('checkpoint-list').getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Create checkpoint' }).click();
  await expect(page).toHaveURL(/\/checkpoints\/[0-9a-f-]+$/);
  await page.reload();
  await settle(page, testInfo);
  const review = page.getByTestId('action-review');
  await expect(review).toContainText('Generate the changelog in the pipeline');
  await review.getByLabel('Status of Generate the changelog in the pipeline').selectOption('done');
  await review.getByRole('button', { name: 'Set' }).click();
  await expect(review.getByLabel('Status of Generate the changelog in the pipeline')).toHaveValue('done');
  await settle(page, testInfo);
  // Its board starts from the flow the squad mapped last time.
  if (js) await waitLive(page);
  await goToStage(page, 'Path to production');
  await page.getByRole('button', { name: "Copy the last checkpoint's flow" }).click();
  await expect(page.getByRole('heading', { name: 'Verify', level: 3 })).toBeVisible();
  await expect(page.locator('.board-column h3')).toHaveCount(7);
  await settle(page, testInfo);
  await open(page, testInfo, `/history?squad=${slug}`);
  await expect(page.getByTestId('action-progress')).toHaveText('1 of 1 actions done (100 %), 0 open, 0 carried over, 0 dropped.');
  await ana.context.close();
  await bo.context.close();
});

/** Each column's step and the texts of its notes, in order. */
async function boardOf(page: Page, columns: string) {
  return page.locator(columns).evaluateAll((cols) => cols.map((c) => [
    c.querySelector('h2, h3')!.textContent!.trim(),
    [...c.querySelectorAll('.note-text')].map((n) => n.textContent!.trim()),
  ]));
}

test('three browsers add, edit and move notes at the same time and end up with the same board; the projector follows @board', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const js = jsEnabled(testInfo);
  const { url, code } = await newCheckpoint(page, testInfo);
  if (js) await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  const bo = await join(browser, testInfo, code, 'Bo');
  await goToStage(page, 'Path to production');
  await page.getByRole('button', { name: 'Start from the template' }).click();
  await expect(page.getByRole('heading', { name: 'Verify', level: 3 })).toBeVisible();
  await settle(page, testInfo);
  for (const p of [ana.page, bo.page]) {
    await refresh(p, testInfo);
    if (js) await waitLive(p);
    await expect(p.getByRole('heading', { name: 'Verify', level: 3 })).toBeVisible();
  }

  // Everyone adds notes at once.
  await Promise.all([
    (async () => {
      await addNote(page, 'Deploy to production', 'manual', 'Manual approval before deploy');
      await addNote(page, 'Verify', 'manual', 'Smoke tests run by hand');
    })(),
    (async () => {
      await addNote(ana.page, 'Build', 'failed', 'Build cache misses');
      await addNote(ana.page, 'Test', 'failed', 'Flaky end-to-end suite');
    })(),
    (async () => {
      await addNote(bo.page, 'Commit', 'improvement', 'Trunk-based development');
      await addNote(bo.page, 'Pull request', 'automated', 'Automated lint');
    })(),
  ]);
  for (const p of [page, ana.page, bo.page]) {
    await refresh(p, testInfo);
    await expect(p.locator('#board .note')).toHaveCount(6);
  }

  // At once: Fran moves Ana's note while Ana starts rewriting Bo's note. Then Bo
  // moves that very note while Ana is still typing: Ana keeps her text (and her
  // place in it), and both changes to the note survive.
  const card = note(ana.page, 'Trunk-based development');
  await Promise.all([
    note(page, 'Build cache misses').getByRole('button', { name: 'Move to Test' }).click(),
    (async () => {
      await card.getByText('Edit', { exact: true }).click();
      await card.getByLabel('Text').fill('Trunk-based development with short-lived branches');
    })(),
  ]);
  await note(bo.page, 'Trunk-based development').getByRole('button', { name: 'Move to Pull request' }).click();
  await expect(column(bo.page, 'Pull request').locator('.note')).toHaveCount(2);
  if (js) {
    await expect(column(ana.page, 'Pull request').locator('.note')).toHaveCount(2);
    await expect(card.getByLabel('Text')).toHaveValue('Trunk-based development with short-lived branches');
    // (toBeFocused also wants the window focused, which only one of the three has.)
    const editing = await card.getByLabel('Text').getAttribute('id');
    await expect.poll(() => ana.page.evaluate(() => document.activeElement?.id)).toBe(editing);
  }
  await card.getByRole('button', { name: 'Save' }).click();

  // Every screen settles on the same board: both changes to Bo's note survive.
  const expected = [
    ['Commit', []],
    ['Pull request', ['Automated lint', 'Trunk-based development with short-lived branches']],
    ['Build', []],
    ['Test', ['Flaky end-to-end suite', 'Build cache misses']],
    ['Deploy to staging', []],
    ['Deploy to production', ['Manual approval before deploy']],
    ['Verify', ['Smoke tests run by hand']],
  ];
  for (const p of [page, ana.page, bo.page]) {
    await refresh(p, testInfo);
    await expect.poll(() => boardOf(p, '#board > li')).toEqual(expected);
  }
  await expect(note(page, 'Trunk-based development with short-lived branches')).toContainText('Improvement');

  // The projector view: the same board, large and read-only, following live.
  const projector = await page.context().newPage();
  await open(projector, testInfo, `${url}/present`);
  await expect.poll(() => boardOf(projector, '[data-testid="present-board"] > li')).toEqual(expected);
  await expect(projector.locator('.projector').locator('form, button, textarea, select')).toHaveCount(0);
  await expectAccessible(projector);
  await addNote(bo.page, 'Deploy to staging', 'manual', 'Staging is shared by three squads');
  await refresh(projector, testInfo);
  await expect(projector.getByTestId('present-board').locator('.note')).toHaveCount(7);
  await expect(projector.getByTestId('present-board').locator('.note').filter({ hasText: 'Staging is shared by three squads' })).toContainText('Manual work');
  await projector.close();

  // Bo deletes the note Ana is rewriting: delete wins, and Ana keeps her text to add it again.
  if (js) {
    const smoke = note(ana.page, 'Smoke tests run by hand');
    await smoke.getByText('Edit', { exact: true }).click();
    await smoke.getByLabel('Text').fill('Smoke tests run by hand after each deploy');
    // The facilitator wrote it; participants delete only their own notes.
    await expect(bo.page.getByRole('button', { name: 'Delete note: Smoke tests run by hand' })).toHaveCount(0);
    acceptDialogs(page);
    await page.getByRole('button', { name: 'Delete note: Smoke tests run by hand' }).click();
    const kept = ana.page.getByTestId('deleted-draft');
    await expect(kept).toContainText('Someone deleted the note you were editing');
    await expect(kept.locator('blockquote')).toHaveText('Smoke tests run by hand after each deploy');
    await kept.getByRole('button', { name: 'Add it again' }).click();
    await expect(kept).toHaveCount(0);
    await expect(column(page, 'Verify').locator('.note-text')).toHaveText(['Smoke tests run by hand after each deploy']);
    await expect(column(page, 'Verify').locator('.note')).toContainText('Manual work');
  }
  await ana.context.close();
  await bo.context.close();
});
