import { createReadStream, createWriteStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { and, desc, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { CreateExportInput, ExportJob, exportListQuerySchema, ExportScope } from '#shared/export-schemas'
import {
  AppError, assertAdmin, conversationById, conversations, conversationsOfProject, countExportRows, EXPORT_WRITERS,
  exportConversations, exportFileName, logger, openExport, profiles, projects, recordAudit, useDb, useFileStorage,
  type Actor, type DbOrTx, type Download
} from '~~/server/admin-surface'
import { exportJobs } from '../../db/schema'

type ExportRow = typeof exportJobs.$inferSelect

/** How long a finished file stays downloadable. */
const EXPORT_TTL_MS = 7 * 24 * 3600 * 1000
/** A running export whose heartbeat is older than this was orphaned by a crash and is taken over. */
const EXPORT_STALE_MS = 60_000
/** Progress is written at most this often (it is also the heartbeat). */
const PROGRESS_EVERY_MS = 250

/** Hands an export to the job queue; set by the exports plugin. The key changes with each takeover. */
type Enqueue = (exportId: string, jobKey: string) => Promise<void>
let enqueue: Enqueue | null = null
export function setExportQueue(next: Enqueue | null) {
  enqueue = next
}

const jobKey = (row: Pick<ExportRow, 'id' | 'runCount'>) => `${row.id}_${row.runCount}`

function toJob(row: ExportRow, requester: { id: string, displayName: string } | null, scopeLabel: string | null): ExportJob {
  const total = row.rowsTotal
  const progress = row.status === 'done' ? 1 : total ? Math.min(1, row.rowsDone / total) : 0
  return {
    id: row.id,
    status: row.status,
    progress,
    rowsDone: row.rowsDone,
    rowsTotal: total,
    format: row.format,
    scope: row.scope,
    scopeLabel,
    from: row.rangeFrom,
    to: row.rangeTo,
    includeDeleted: row.includeDeleted,
    includeAttachments: row.includeAttachments,
    csvRaw: row.csvRaw,
    fileName: row.fileName,
    sizeBytes: row.sizeBytes,
    error: row.error,
    requestedBy: requester,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    ...(row.status === 'done' && row.storageKey ? { downloadUrl: `/api/admin/exports/${row.id}/download` } : {})
  }
}

/** Rows as the contract shows them, with who asked and what the scope is called, in two batched look-ups. */
async function toJobs(db: DbOrTx, rows: ExportRow[]): Promise<ExportJob[]> {
  const people = [...new Set(rows.flatMap(r => r.requestedBy ? [r.requestedBy] : []))]
  const projectIds = [...new Set(rows.flatMap(r => r.scope.projectId ? [r.scope.projectId] : []))]
  const conversationIds = [...new Set(rows.flatMap(r => r.scope.conversationId ? [r.scope.conversationId] : []))]
  const [who, projectNames, titles] = await Promise.all([
    people.length ? db.select({ id: profiles.id, displayName: profiles.displayName }).from(profiles).where(inArray(profiles.id, people)) : [],
    projectIds.length ? db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, projectIds)) : [],
    conversationIds.length ? db.select({ id: conversations.id, name: conversations.title }).from(conversations).where(inArray(conversations.id, conversationIds)) : []
  ])
  const byId = new Map(who.map(p => [p.id, p]))
  const labels = new Map([...projectNames, ...titles].map(x => [x.id, x.name]))
  return rows.map(r => toJob(r, r.requestedBy ? byId.get(r.requestedBy) ?? null : null, labels.get(r.scope.projectId ?? r.scope.conversationId ?? '') ?? null))
}

async function scopeLabel(db: DbOrTx, scope: ExportScope): Promise<string> {
  if (scope.projectId) {
    const [p] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, scope.projectId))
    if (!p) throw new AppError('NOT_FOUND', 'project not found')
    return p.name
  }
  const [c] = await exportConversations(db, conversationById(scope.conversationId!))
  if (!c) throw new AppError('NOT_FOUND', 'conversation not found')
  return c.title
}

/** Queues a project (or conversation) export; the job and its audit entry are written together. */
export async function createExport(actor: Actor, data: CreateExportInput): Promise<ExportJob> {
  assertAdmin(actor)
  const db = await useDb()
  const label = await scopeLabel(db, data.scope)
  const row = await db.transaction(async (tx) => {
    const [created] = await tx.insert(exportJobs).values({
      requestedBy: actor.id,
      scope: data.scope,
      format: data.format,
      rangeFrom: data.from ?? null,
      rangeTo: data.to ?? null,
      includeDeleted: data.includeDeleted,
      includeAttachments: data.includeAttachments,
      csvRaw: data.csvRaw,
      fileName: exportFileName(label, EXPORT_WRITERS[data.format].extension)
    }).returning()
    await recordAudit(tx, actor, 'export.create', { type: 'export', id: created!.id }, {
      mode: 'job',
      scope: data.scope,
      format: data.format,
      range: { from: data.from ?? null, to: data.to ?? null },
      includeDeleted: data.includeDeleted,
      includeAttachments: data.includeAttachments,
      csvRaw: data.csvRaw
    })
    return created!
  })
  if (enqueue) {
    await enqueue(row.id, jobKey(row)).catch((err: unknown) => logger.warn({ err, exportId: row.id }, 'could not queue export; the sweep retries'))
  }
  return (await toJobs(db, [row]))[0]!
}

export async function listExports(actor: Actor, { limit }: z.output<typeof exportListQuerySchema>): Promise<ExportJob[]> {
  assertAdmin(actor)
  const db = await useDb()
  const rows = await db.select().from(exportJobs).orderBy(desc(exportJobs.createdAt), desc(exportJobs.id)).limit(limit)
  return toJobs(db, rows)
}

export async function getExport(actor: Actor, id: string): Promise<ExportJob> {
  assertAdmin(actor)
  const db = await useDb()
  const [row] = await db.select().from(exportJobs).where(eq(exportJobs.id, id))
  if (!row) throw new AppError('NOT_FOUND', 'export not found')
  return (await toJobs(db, [row]))[0]!
}

/** The finished file: streamed from local disk, or a short-lived redirect to Supabase Storage. */
export async function openExportFile(actor: Actor, id: string): Promise<{ download: Download, fileName: string, contentType: string }> {
  assertAdmin(actor)
  const db = await useDb()
  const [row] = await db.select().from(exportJobs).where(eq(exportJobs.id, id))
  if (!row) throw new AppError('NOT_FOUND', 'export not found')
  if (row.status !== 'done' || !row.storageKey) throw new AppError('CONFLICT', `export is ${row.status}, not ready to download`)
  if (row.expiresAt && row.expiresAt.getTime() < Date.now()) throw new AppError('NOT_FOUND', 'export has expired')
  const contentType = EXPORT_WRITERS[row.format].contentType
  const fileName = row.fileName ?? `export.${EXPORT_WRITERS[row.format].extension}`
  const download = await useFileStorage().download(row.storageKey, { fileName, contentType, inline: false, expiresInSeconds: 60 })
  return { download, fileName, contentType }
}

/**
 * Takes the export for this worker: a queued one, or a running one whose heartbeat stopped. The
 * conditional update is the lock, so two instances handed the same export run it once.
 */
async function claim(db: DbOrTx, id: string): Promise<ExportRow | undefined> {
  const stale = new Date(Date.now() - EXPORT_STALE_MS)
  const [row] = await db.update(exportJobs)
    .set({ status: 'running', runCount: sql`${exportJobs.runCount} + 1`, startedAt: sql`coalesce(${exportJobs.startedAt}, now())`, updatedAt: sql`now()`, rowsDone: 0 })
    .where(and(eq(exportJobs.id, id), or(eq(exportJobs.status, 'queued'), and(eq(exportJobs.status, 'running'), lt(exportJobs.updatedAt, stale)))))
    .returning()
  return row
}

/** Only the run that holds the claim may write: a taken-over run that wakes up again changes nothing. */
const ownRun = (row: ExportRow) => and(eq(exportJobs.id, row.id), eq(exportJobs.runCount, row.runCount), eq(exportJobs.status, 'running'))

/**
 * The job: writes the whole export to a temporary file through the shared writers (so memory is
 * flat), then stores it under a key unique to this run and marks it done with its size.
 */
export async function runExport(id: string): Promise<void> {
  const db = await useDb()
  const row = await claim(db, id)
  if (!row) return
  const temp = join(tmpdir(), `chat-export-${row.id}-${row.runCount}`)
  try {
    const where = row.scope.projectId ? conversationsOfProject(row.scope.projectId) : conversationById(row.scope.conversationId ?? '')
    const list = await exportConversations(db, where)
    let done = 0
    let lastWrite = 0
    const opened = openExport(db, {
      format: row.format,
      conversations: list,
      scope: row.scope,
      from: row.rangeFrom,
      to: row.rangeTo,
      includeDeleted: row.includeDeleted,
      includeDeletedContent: true,
      includeAttachments: row.includeAttachments,
      csvRaw: row.csvRaw,
      onBatch: async (n) => {
        done += n
        if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return
        lastWrite = Date.now()
        await db.update(exportJobs).set({ rowsDone: done, updatedAt: sql`now()` }).where(ownRun(row))
      }
    })
    const total = await countExportRows(db, opened.selection)
    await db.update(exportJobs).set({ rowsTotal: total, updatedAt: sql`now()` }).where(ownRun(row))
    await pipeline(opened.stream, createWriteStream(temp))
    const size = (await stat(temp)).size
    const key = `exports/${row.id}-${row.runCount}/${row.fileName ?? `export.${opened.extension}`}`
    await useFileStorage().put(key, createReadStream(temp), { contentType: opened.contentType, size })
    await db.update(exportJobs).set({
      status: 'done', rowsDone: done, rowsTotal: Math.max(total, done), storageKey: key, sizeBytes: size,
      finishedAt: sql`now()`, updatedAt: sql`now()`, expiresAt: new Date(Date.now() + EXPORT_TTL_MS)
    }).where(ownRun(row))
  } catch (error) {
    logger.warn({ err: error, exportId: row.id }, 'export failed')
    // The admin sees why and can start it again; retrying a broken export by itself would hide that.
    await db.update(exportJobs).set({ status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(ownRun(row))
  } finally {
    await unlink(temp).catch(() => {})
  }
}

/** Exports that need a worker: queued ones (lost from an in-process queue by a restart) and orphaned running ones. */
export async function exportsToRecover(): Promise<{ id: string, jobKey: string }[]> {
  const db = await useDb()
  const stale = new Date(Date.now() - EXPORT_STALE_MS)
  const rows = await db.select({ id: exportJobs.id, runCount: exportJobs.runCount }).from(exportJobs)
    .where(or(eq(exportJobs.status, 'queued'), and(eq(exportJobs.status, 'running'), lt(exportJobs.updatedAt, stale))))
  return rows.map(r => ({ id: r.id, jobKey: jobKey(r) }))
}

/** Deletes the files of expired exports (the rows stay, as the record of what was exported); each file by one instance. */
export async function purgeExpiredExports(): Promise<number> {
  const db = await useDb()
  const expired = await db.select({ id: exportJobs.id, storageKey: exportJobs.storageKey }).from(exportJobs)
    .where(and(eq(exportJobs.status, 'done'), isNotNull(exportJobs.storageKey), lt(exportJobs.expiresAt, new Date())))
  let purged = 0
  for (const e of expired) {
    const [taken] = await db.update(exportJobs).set({ storageKey: null, updatedAt: sql`now()` })
      .where(and(eq(exportJobs.id, e.id), eq(exportJobs.storageKey, e.storageKey!))).returning({ id: exportJobs.id })
    if (!taken) continue
    await useFileStorage().delete(e.storageKey!).catch((err: unknown) => logger.warn({ err, exportId: e.id }, 'could not delete an expired export file'))
    purged++
  }
  return purged
}
