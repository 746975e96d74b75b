/**
 * The app's surface for the admin layer: everything layers/admin may import from the root server,
 * and nothing else (test/unit/layering.test.ts holds the layer to it). To give the layer something
 * new, re-export it here and say why in layers/admin/README.md. Keep the lines sorted by source path.
 */
export { rowsOf, useDb, type Db, type DbOrTx, type Tx } from './db/client'
export { sanctionInForce } from './db/sanctions'
export {
  attachments, auditLog, automodRules, conversationParticipants, conversations, messageEdits, messages, profiles,
  projectMembers, projects, reports, userSanctions
} from './db/schema'
export type { Actor } from './domain/actor'
export { logger } from './infra/logger'
export { publishToConversation, publishToUser, setConversationMembership } from './infra/realtime'
export { useFileStorage, type Download } from './infra/storage'
export { createJobQueue } from './jobs/queue'
export { assertAdmin } from './services/access'
export { checkLink, entryHash, GENESIS_HASH, type StoredLink } from './services/audit/chain'
export { AUDIT_CHAIN_LOCK, recordAudit, systemActor, type AuditActor, type SystemActor } from './services/audit/log'
export { revokeUserSessions } from './services/auth/sessions'
export { announceConversation } from './services/conversations/conversations'
export { announceConversationChanges, applyConversationChanges } from './services/conversations/settings'
export { aliasedConversation, shownConversationTitle } from './services/conversations/title'
export { loadParticipants } from './services/conversations/view'
export {
  conversationById, conversationsOfProject, countExportRows, csvCast, EXPORT_WRITERS, exportConversations, exportFileName,
  openExport, type OpenedExport
} from './services/export'
export { serverReady } from './services/instance/startup'
export { deletedTextsOf, restoreInTx } from './services/messages/edits'
export { renderMarkdown, renderPlainText } from './services/messages/markdown/render'
export { softDeleteInTx } from './services/messages/messages'
export { takeSeqRange } from './services/messages/sequence'
export { insertSystemMessage, publishSystemMessages } from './services/messages/system-messages'
export { loadMessage, loadMessages, toAttachment } from './services/messages/view'
export { compileRule } from './services/moderation/automod/compile'
export { announceRuleChange } from './services/moderation/automod/invalidation'
export type { MatchInput, RecentPost } from './services/moderation/automod/types'
export { toUser } from './services/people/user-view'
export { sendAttachment } from './utils/attachment-response'
export { AppError } from './utils/errors'
export { sendExportDownload } from './utils/export-response'
