import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'
import type { AddedMember } from '#shared/invitation-schemas'
import type { Conversation, Project } from '#shared/types'
import { api, closeAllSockets, connect, must, nextEvent, setupConversation, signUp } from '../support/helpers'
import { instances } from './helpers'

const db = postgres(inject('services').databaseUrl, { max: 2, onnotice: () => {} })
afterEach(() => closeAllSockets())
afterAll(() => db.end())

describe('being added to a project with no project-wide conversation', () => {
  it('lists it at once in the newcomer\'s tabs on the other instance', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    await setupConversation(alice, [bob], 'shared', A)
    const { project } = must(await api<{ project: Project }>(A, 'POST', '/api/projects', { token: alice.token, body: { name: 'No lobby' } }), 'create project')
    // Projects made before project-wide conversations existed (or imported ones) have none.
    await db`UPDATE conversations SET type = 'group' WHERE project_id = ${project.id} AND type = 'project'`
    const [tab1, tab2] = await Promise.all([connect(bob, { base: B }), connect(bob, { base: A })])
    const seen = [tab1, tab2].map(tab => nextEvent<{ project: Project }>(tab, 'project:updated', p => p.project.id === project.id))
    const added = await api<{ member: AddedMember }>(A, 'POST', `/api/projects/${project.id}/members`, { token: alice.token, body: { email: bob.user.email, role: 'member' } })
    expect(added.body.member?.status).toBe('active')
    for (const { project: listed } of await Promise.all(seen)) expect(listed).toMatchObject({ id: project.id, name: 'No lobby', myRole: 'member' })
    const sidebar = must(await api<{ conversations: Conversation[] }>(B, 'GET', `/api/projects/${project.id}/conversations`, { token: bob.token }), 'sidebar')
    expect(sidebar.conversations).toEqual([])
  })
})
