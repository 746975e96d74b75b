// Scenario 11: an admin reads the analytics dashboard and drills down from a day to its messages.
import { USERS, assert, loginViaForm, newContext, newPage, poll, screenshot } from '../lib/helpers.mjs'

export async function analyticsDrilldown(env) {
  const { rest, ids, tokens } = env
  const today = new Date().toISOString().slice(0, 10)
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)
  const expected = await rest.ok('GET', `/api/admin/analytics?projectId=${ids.projectId}&from=${from}&to=${today}`, { token: tokens.admin })
  assert(expected.totalMessages > 0, `the demo project has no messages in the last 30 days: ${JSON.stringify(expected)}`)
  const busiest = [...expected.messagesByDay].sort((a, b) => b.count - a.count)[0]

  const context = await newContext(env)
  const page = await newPage(context, 'admin')
  await loginViaForm(page, USERS.admin.email)
  await page.goto(`${env.baseUrl}/admin/analytics`)
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Analytics' }).waitFor()

  // Pick the demo project (the select lists every project).
  await page.getByTestId('analytics-project').click()
  await page.getByRole('option', { name: 'Demo', exact: true }).click()
  const total = page.getByTestId('analytics-stat-totalMessages')
  await poll(async () => (await total.innerText()).replace(/,/g, '') === String(expected.totalMessages),
    { message: `the Messages card shows ${expected.totalMessages}` })
  await page.getByTestId('analytics-chart-by-day').locator('canvas').first().waitFor()
  await page.getByTestId('analytics-chart-heatmap').locator('canvas').first().waitFor()

  // Click the busiest day: its conversations, then one conversation's messages.
  await page.getByText('Days as a list').click()
  const dayButton = page.getByTestId(`analytics-day-${busiest.day}`)
  assert((await dayButton.innerText()).includes(String(busiest.count)), `the ${busiest.day} button does not show ${busiest.count}`)
  await dayButton.click()
  const drill = page.getByTestId('analytics-drilldown')
  await drill.getByTestId('analytics-drill-conversation').first().waitFor()
  const counts = await drill.getByTestId('analytics-drill-conversation-count').allInnerTexts()
  assert(counts.reduce((n, c) => n + Number(c), 0) === busiest.count, `the day's conversations add up to ${counts.join('+')}, not ${busiest.count}`)
  await drill.getByTestId('analytics-drill-conversation').first().click()
  await drill.getByTestId('analytics-drill-message').first().waitFor()
  const shown = await drill.getByTestId('analytics-drill-message').count()
  assert(shown === Math.min(50, Number(counts[0])), `the conversation lists ${shown} messages, not ${counts[0]}`)
  await screenshot(page, 'analytics-drilldown')

  // Each message opens the admin history at its seq.
  const link = drill.getByTestId('analytics-drill-open').first()
  const href = await link.getAttribute('href')
  assert(/^\/admin\/conversations\/[0-9a-f-]{36}\?seq=\d+$/.test(href ?? ''), `unexpected message link ${href}`)
  await link.click()
  await page.waitForURL(`**${href}`)
  await context.close()

  // Dark mode: the charts render with the dark theme (a picture to look at; no errors allowed).
  const dark = await newContext(env, { colorMode: 'dark' })
  const darkPage = await newPage(dark, 'admin-dark')
  await loginViaForm(darkPage, USERS.admin.email)
  await darkPage.goto(`${env.baseUrl}/admin/analytics`)
  await darkPage.getByTestId('analytics-project').click()
  await darkPage.getByRole('option', { name: 'Demo', exact: true }).click()
  await darkPage.getByTestId('analytics-chart-heatmap').locator('canvas').first().waitFor()
  await darkPage.waitForTimeout(800) // the charts' entry animation
  await screenshot(darkPage, 'analytics-dark')
  await dark.close()
}
