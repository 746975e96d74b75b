import { randomUUID } from 'node:crypto'
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '#shared/types'
import { startInstance, type Instance } from '../support/instance.mjs'
import { api, setupConversation, signUp } from '../support/helpers'

/** Its own server: the test reads that server's output and breaks its storage on disk. */
let server: Instance
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chat-logging-'))
  server = await startInstance({ env: { DATA_DIR: dataDir, LOG_LEVEL: 'info' } })
})
afterAll(async () => {
  await server?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

interface LogLine { level: number, msg: string, reqId?: string, status?: number, url?: string, err?: { message?: string } }
const logLines = (): LogLine[] => server.output().split('\n').flatMap((line) => {
  try {
    const parsed = JSON.parse(line) as unknown
    return parsed && typeof parsed === 'object' ? [parsed as LogLine] : []
  } catch {
    return []
  }
})
/** The server writes its line when the response is done: give it a moment. */
const settle = () => new Promise(r => setTimeout(r, 300))

async function uploadText(token: string, conversationId: string) {
  const form = new FormData()
  form.append('file', new Blob(['hello logs'], { type: 'text/plain' }), 'notes.txt')
  const res = await fetch(`${server.url}/api/conversations/${conversationId}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  expect(res.status).toBe(200)
  return ((await res.json()) as { attachment: Attachment }).attachment
}

describe('server logs', () => {
  it('logs a failing download with its request id, never its ?token=', async () => {
    const alice = await signUp('Logger', server.url)
    const { conversation } = await setupConversation(alice, [])
    const attachment = await uploadText(alice.token, conversation.id)
    const link = await api<{ url: string }>(server.url, 'GET', `/api/attachments/${attachment.id}/url`, { token: alice.token })
    expect(link.status).toBe(200)
    const token = decodeURIComponent(new URL(link.body.url, server.url).searchParams.get('token')!)
    const signature = token.split('.').pop()!

    // A file where the attachment's folder should be: reading it fails inside the server.
    const folder = join(dataDir, 'uploads', conversation.id, attachment.id)
    expect(await readdir(folder)).toHaveLength(1)
    await rm(folder, { recursive: true })
    await mkdir(join(dataDir, 'uploads', conversation.id), { recursive: true })
    await writeFile(folder, 'not a folder')

    const requestId = `req-${randomUUID()}`
    const res = await fetch(`${server.url}${link.body.url}`, { headers: { 'x-request-id': requestId } })
    expect(res.status).toBe(500)
    expect(res.headers.get('x-request-id')).toBe(requestId)
    await settle()

    const output = server.output()
    expect(output).not.toContain(signature)
    expect(output).not.toContain(encodeURIComponent(token))
    const failure = logLines().find(l => l.reqId === requestId && l.err)
    expect(failure?.level).toBeGreaterThanOrEqual(50)
    expect(failure?.url).toContain(`/api/attachments/${attachment.id}?token=`)
    const access = logLines().find(l => l.reqId === requestId && l.status === 500)
    expect(access).toBeTruthy()
  })

  it('logs refused requests with a generated request id and without their credentials', async () => {
    const alice = await signUp('Refused', server.url)
    const forged = `${alice.user.id}.9999999999.forged-signature-${randomUUID()}`
    const res = await fetch(`${server.url}/api/attachments/${randomUUID()}?token=${encodeURIComponent(forged)}`, {
      headers: { 'x-request-id': 'bad id with spaces', 'cookie': `session=${alice.token}` }
    })
    expect(res.status).toBe(401)
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    const foreign = await fetch(`${server.url}/api/conversations/${randomUUID()}`, { headers: { authorization: `Bearer ${alice.token}` } })
    expect(foreign.status).toBe(403)
    await settle()

    const output = server.output()
    expect(output).not.toContain('forged-signature-')
    expect(output).not.toContain(alice.token)
    expect(logLines().find(l => l.reqId === requestId)?.status).toBe(401)
    expect(logLines().find(l => l.reqId === foreign.headers.get('x-request-id'))?.status).toBe(403)
  })

  it('never logs message content, even when storing it fails', async () => {
    const alice = await signUp('Writer', server.url)
    const { conversation } = await setupConversation(alice, [])
    const secret = `secret-words-${randomUUID()}`
    // PostgreSQL text cannot hold NUL: the insert fails inside the database.
    const res = await api(server.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token, body: { clientId: randomUUID(), content: `${secret}\u0000` }
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    await settle()
    expect(server.output()).not.toContain(secret)
  })
})
