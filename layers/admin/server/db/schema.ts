import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
// Relative rather than through the app's surface: drizzle-kit loads this file without Nuxt's aliases.
// Only the app's tables these rows reference are taken from here (see test/unit/layering.test.ts).
import { conversations, profiles, projects } from '../../../../server/db/schema'

// The admin layer's own tables: only its routes, services and jobs read or write them. They share the
// app's one migration history (drizzle.config.ts lists both schema files). Admin-owned tables the
// member app also writes or reads (audit_log, automod_rules, reports) stay in server/db/schema.ts.

const seq = (name: string) => bigint(name, { mode: 'number' })
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

// ---- Exports: project and conversation exports run as background jobs ----

/**
 * A background export: what was asked, how far it got, and where the finished file is stored.
 * The format and status lists are EXPORT_FORMATS and EXPORT_STATUSES of shared/export-schemas.ts
 * (spelled out here because drizzle-kit loads this file on its own; the services' types catch a drift).
 */
export const exportJobs = pgTable('exports', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestedBy: uuid('requested_by').references(() => profiles.id, { onDelete: 'set null' }),
  scope: jsonb('scope').$type<{ conversationId?: string, projectId?: string }>().notNull(),
  format: text('format', { enum: ['csv', 'json', 'ndjson', 'html'] }).notNull(),
  rangeFrom: text('range_from'),
  rangeTo: text('range_to'),
  includeDeleted: boolean('include_deleted').notNull().default(false),
  includeAttachments: boolean('include_attachments').notNull().default(false),
  /** CSV cells exactly as stored, formulas not neutralised: for data pipelines, never for a spreadsheet. */
  csvRaw: boolean('csv_raw').notNull().default(false),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  rowsDone: integer('rows_done').notNull().default(0),
  rowsTotal: integer('rows_total'),
  /** How many times a worker claimed it: 1 unless a crashed run was taken over. */
  runCount: integer('run_count').notNull().default(0),
  fileName: text('file_name'),
  storageKey: text('storage_key'),
  sizeBytes: bigint('size_bytes', { mode: 'number' }),
  error: text('error'),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  /** Touched with every progress step: a running export whose heartbeat stops is taken over. */
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  expiresAt: timestamp('expires_at', { withTimezone: true })
}, t => [index('exports_status_idx').on(t.status, t.updatedAt), index('exports_created_idx').on(t.createdAt)])

// ---- Graduated moderation: escalation rules ----
/**
 * "The Nth upheld report within D days → this sanction": checked each time a report is upheld.
 * A rule with a project applies to that project's messages only; without one, everywhere.
 */
export const escalationRules = pgTable('escalation_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
  threshold: integer('threshold').notNull(),
  windowDays: integer('window_days').notNull(),
  action: text('action', { enum: ['mute', 'readonly', 'ban'] }).notNull(),
  /** Null: until lifted. */
  durationHours: integer('duration_hours'),
  enabled: boolean('enabled').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
})

// ---- Retention (audit-retention) ----

/** How long a project keeps its messages; no row (or days null) means forever. */
export const retentionPolicies = pgTable('retention_policies', {
  projectId: uuid('project_id').primaryKey().references(() => projects.id, { onDelete: 'cascade' }),
  days: integer('days'),
  keepPinned: boolean('keep_pinned').notNull().default(true),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
})

// ---- Analytics rollup (layers/admin/server/services/analytics/rollup.ts) ----
// Folded from messages by conversation watermark (conversations.last_seq moves in the same
// transaction as its messages), so the send path is untouched and every figure stays exact.

/** How far each conversation has been folded, and the turn in progress for first-response times. */
export const analyticsFoldState = pgTable('analytics_fold_state', {
  conversationId: uuid('conversation_id').primaryKey().references(() => conversations.id, { onDelete: 'cascade' }),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  foldedSeq: seq('folded_seq').notNull().default(0),
  /** The sender of the last counted message folded, and when their current turn started. */
  turnSenderId: uuid('turn_sender_id'),
  turnStartedAt: timestamp('turn_started_at', { withTimezone: true }),
  foldedAt: timestamp('folded_at', { withTimezone: true }).notNull().defaultNow()
}, t => [index('analytics_fold_state_project_idx').on(t.projectId)])

/** Counted messages per UTC hour, conversation and sender. */
export const analyticsHourly = pgTable('analytics_hourly', {
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  hour: timestamp('hour', { withTimezone: true }).notNull(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  senderId: uuid('sender_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  messages: integer('messages').notNull().default(0)
}, t => [primaryKey({ columns: [t.projectId, t.hour, t.conversationId, t.senderId] })])

/** First responses per UTC day and whole second of delay: exact average and median from one table. */
export const analyticsResponses = pgTable('analytics_responses', {
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  seconds: integer('seconds').notNull(),
  responses: integer('responses').notNull().default(0)
}, t => [primaryKey({ columns: [t.projectId, t.day, t.seconds] })])
