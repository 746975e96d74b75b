import type { TypingUpdatePayload } from '#shared/events'
import { TYPING_EXPIRY_MS } from '#shared/limits'

export interface TypingUser { userId: string, displayName: string, expiresAt: number }

/** Who is typing where, and when this tab last announced its own typing. */
export const useTypingStore = defineStore('typing', () => {
  const typing = ref<Record<string, TypingUser[]>>({})
  /** When this tab last sent typing:start, per conversation. */
  const sentAt = ref<Record<string, number>>({})

  function reset() {
    typing.value = {}
    sentAt.value = {}
  }

  function setTyping(payload: TypingUpdatePayload, now = Date.now()) {
    const others = (typing.value[payload.conversationId] ?? []).filter(t => t.userId !== payload.userId)
    // The server stops repeating after 5 s of silence; an expiry lets a lost typing:stop not stick.
    if (payload.isTyping) others.push({ userId: payload.userId, displayName: payload.displayName, expiresAt: now + TYPING_EXPIRY_MS + 500 })
    typing.value[payload.conversationId] = others
  }

  /** Names of those typing in a conversation at `now`. */
  function typingIn(conversationId: string, now: number): string[] {
    return (typing.value[conversationId] ?? []).filter(t => t.expiresAt > now).map(t => t.displayName)
  }

  function setSent(conversationId: string, at: number | null) {
    const { [conversationId]: _previous, ...rest } = sentAt.value
    sentAt.value = at === null ? rest : { ...rest, [conversationId]: at }
  }

  return { typing, sentAt, reset, setTyping, typingIn, setSent }
})
