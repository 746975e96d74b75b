import { describe, expect, it, vi } from 'vitest'
import type { Project } from '#shared/types'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { ME, PROJECT_ID, conversation } from './fixtures'
import { inApp } from './mount'

const OTHER_PROJECT = '00000000-0000-4000-8000-0000000000a7'
const project = (id: string, name: string): Project => ({ id, name, myRole: 'member', unreadCount: 0, mentionCount: 0 })

let listed = [project(PROJECT_ID, 'Demo')]
registerEndpoint('/api/projects', () => ({ projects: listed }))
registerEndpoint(`/api/projects/${OTHER_PROJECT}/conversations`, () => ({ conversations: [conversation({ id: '00000000-0000-4000-8000-0000000000f1', projectId: OTHER_PROJECT })] }))
registerEndpoint(`/api/projects/${OTHER_PROJECT}/members`, () => ({ members: [] }))

/** Delivers a server event to the listeners the socket plugin registered, as the socket does. */
function serverSends(event: string, payload: unknown) {
  const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
  for (const listener of socket.listeners(event)) listener(payload)
}

describe('being added to a project shows at once', () => {
  it('lists the project the member was just added to (its conversations are announced to them)', async () => {
    inApp(() => useSession().signIn('token', ME))
    const store = useConversationsStore()
    store.setProjects([project(PROJECT_ID, 'Demo')])
    store.selectProject(PROJECT_ID)

    listed = [project(PROJECT_ID, 'Demo'), project(OTHER_PROJECT, 'Book club')]
    serverSends('conversation:updated', { conversation: conversation({ id: '00000000-0000-4000-8000-0000000000f1', projectId: OTHER_PROJECT, title: 'general' }) })
    await vi.waitFor(() => expect(store.projects.map(p => p.name)).toEqual(['Demo', 'Book club']), { timeout: 3000 })
    // The member stays where they are.
    expect(store.currentProjectId).toBe(PROJECT_ID)
  })

  it('opens the first project of a member who had none', async () => {
    inApp(() => useSession().signIn('token', ME))
    const store = useConversationsStore()
    store.setProjects([])
    listed = [project(OTHER_PROJECT, 'Book club')]
    serverSends('conversation:updated', { conversation: conversation({ id: '00000000-0000-4000-8000-0000000000f1', projectId: OTHER_PROJECT }) })
    await vi.waitFor(() => expect(store.currentProjectId).toBe(OTHER_PROJECT), { timeout: 3000 })
    expect(store.channels.map(c => c.id)).toEqual(['00000000-0000-4000-8000-0000000000f1'])
  })

  it('lists a project that has no project-wide conversation, from the project event alone', async () => {
    inApp(() => useSession().signIn('token', ME))
    const store = useConversationsStore()
    store.setProjects([project(PROJECT_ID, 'Demo')])
    store.selectProject(PROJECT_ID)
    serverSends('project:updated', { project: project(OTHER_PROJECT, 'Quiet corner') })
    expect(store.projects.map(p => p.name)).toEqual(['Demo', 'Quiet corner'])
    expect(store.currentProjectId).toBe(PROJECT_ID)
    // Promoted there later: the switcher's role follows, listed once.
    serverSends('project:updated', { project: { ...project(OTHER_PROJECT, 'Quiet corner'), myRole: 'admin' } })
    expect(store.projects.map(p => [p.name, p.myRole])).toEqual([['Demo', 'member'], ['Quiet corner', 'admin']])
  })
})
