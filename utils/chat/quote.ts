import type { Message } from '#shared/types'

/** The compact view of a quoted message, whether the server sent it or the timeline holds the original. */
export interface QuoteView {
  seq: number
  senderName: string
  excerpt: string
  deleted: boolean
}

const EXCERPT_CHARS = 140

/** First non-empty line, shortened. */
export function firstLine(text: string): string {
  const line = text.split('\n').map(l => l.trim()).find(l => l !== '') ?? ''
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line
}

/**
 * What a quote reply shows above its text: the server's `replyTo` when sent, otherwise the original
 * found in the loaded timeline; null when neither is known (or the message quotes nothing).
 */
export function quoteOf(message: Pick<Message, 'replyToId' | 'replyTo' | 'type'>, timeline: readonly Message[]): QuoteView | null {
  if (!message.replyToId || message.type === 'system') return null
  if (message.replyTo) {
    const { seq, senderName, excerpt, deleted } = message.replyTo
    return { seq, senderName, excerpt: deleted ? '' : excerpt, deleted }
  }
  const original = timeline.find(m => m.id === message.replyToId)
  if (!original) return null
  const deleted = !!original.deletedAt
  return { seq: original.seq, senderName: original.sender.displayName, excerpt: deleted ? '' : firstLine(original.content), deleted }
}
