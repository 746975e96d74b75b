import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, conversation, message } from './fixtures'
import { inApp } from './mount'

registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, () => ({ conversations: [conversation()] }))
registerEndpoint('/api/me/sanctions', () => ({ sanctions: [] }))
registerEndpoint('/api/invitations', () => ({ invitations: [] }))

/** Delivers a server event to the listeners the socket plugin registered, outside any component, as the socket does. */
function serverSends(event: string, payload: unknown) {
  const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
  for (const listener of socket.listeners(event)) listener(payload)
}

describe('socket listeners and the injection context', () => {
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().selectProject(PROJECT_ID)
    warn = vi.spyOn(console, 'warn')
  })
  afterEach(() => warn.mockRestore())

  const injectWarnings = () => warn.mock.calls.filter((args: unknown[]) => String(args[0]).includes('inject()'))

  it('handle a reconnect, notices, invitations and unknown conversations without inject() warnings', async () => {
    serverSends('connect', undefined)
    serverSends('moderation:notice', { notice: { kind: 'warn', reason: 'be kind', until: null, conversationId: null, projectId: null } })
    serverSends('invitation:new', {
      invitation: {
        id: '00000000-0000-4000-8000-0000000000d1',
        project: { id: '00000000-0000-4000-8000-0000000000a2', name: 'Book club' },
        inviter: { ...OTHER, displayName: 'Ines' },
        invitee: { id: ME.id, displayName: ME.displayName, avatarUrl: null },
        role: 'member',
        status: 'pending',
        createdAt: new Date().toISOString(),
        respondedAt: null
      }
    })
    serverSends('message:new', { message: message(1, { conversationId: '00000000-0000-4000-8000-0000000000e9' }) })
    await useRouter().push(`/c/${CONVERSATION_ID}`)
    serverSends('conversation:removed', { conversationId: CONVERSATION_ID })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(injectWarnings()).toEqual([])
  })
})
