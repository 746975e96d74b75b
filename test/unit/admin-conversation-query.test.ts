import { describe, expect, it } from 'vitest'
import { listQueryFromRoute, routeForFilter, routeForSort, sortingOf } from '../../layers/admin/utils/admin-conversation-query'
import { deletedLabel, mergeHistory, seqFromQuery } from '../../layers/admin/utils/admin-history'
import type { AdminHistoryMessage } from '#admin-shared/admin-schemas'

const USER = '00000000-0000-4000-8000-000000000001'

describe('conversation manager URL state', () => {
  it('reads filters, sort and page from the URL, with defaults for missing or unknown values', () => {
    expect(listQueryFromRoute({ status: 'locked', userId: USER, q: 'ops', sort: 'messages', order: 'asc', page: '3' }, 25))
      .toEqual({ status: 'locked', userId: USER, q: 'ops', sort: 'messages', order: 'asc', limit: 25, offset: 50 })
    expect(listQueryFromRoute({ sort: 'size', order: 'up', page: '-2', projectId: '' }, 25))
      .toEqual({ sort: 'lastActivity', order: 'desc', limit: 25, offset: 0 })
  })

  it('a header click sorts a new column descending (titles ascending), flips the same one, and resets the page', () => {
    const current = listQueryFromRoute({ page: '2', status: 'active' }, 25)
    expect(sortingOf(current)).toEqual([{ id: 'lastMessageAt', desc: true }])
    expect(routeForSort({ page: '2', status: 'active' }, 'messageCount', current)).toEqual({ status: 'active', sort: 'messages', order: 'desc', page: undefined })
    expect(routeForSort({}, 'title', current)).toMatchObject({ sort: 'title', order: 'asc' })
    const byMessages = listQueryFromRoute({ sort: 'messages', order: 'desc' }, 25)
    expect(routeForSort({ sort: 'messages', order: 'desc' }, 'messageCount', byMessages)).toMatchObject({ sort: 'messages', order: 'asc' })
    // Back to the default leaves the URL clean.
    const asc = listQueryFromRoute({ sort: 'lastActivity', order: 'asc' }, 25)
    expect(routeForSort({ sort: 'lastActivity', order: 'asc' }, 'lastMessageAt', asc)).toEqual({ sort: undefined, order: undefined, page: undefined })
  })

  it('changing a filter clears the page; clearing a filter drops its key', () => {
    expect(routeForFilter({ page: '4', q: 'x' }, 'status', 'locked')).toEqual({ page: undefined, q: 'x', status: 'locked' })
    expect(routeForFilter({ status: 'locked' }, 'status', '')).toEqual({ status: undefined, page: undefined })
    expect(routeForFilter({ q: 'x' }, 'page', '2')).toEqual({ q: 'x', page: '2' })
  })
})

describe('admin history helpers', () => {
  const m = (seq: number, content = `m${seq}`) => ({ id: `id-${seq}`, seq, content }) as AdminHistoryMessage
  it('merges pages by seq without duplicates, the newer copy winning', () => {
    expect(mergeHistory([m(3), m(4)], [m(1), m(2), m(3, 'fresh')]).map(x => [x.seq, x.content]))
      .toEqual([[1, 'm1'], [2, 'm2'], [3, 'fresh'], [4, 'm4']])
  })
  it('says who deleted a message and when', () => {
    const at = '2026-11-30T12:04:00.000Z'
    expect(deletedLabel({ deletedAt: at, deletedBy: { id: USER, displayName: 'Alice' } }, () => '12:04')).toBe('Deleted by Alice · 12:04')
    expect(deletedLabel({ deletedAt: at, deletedBy: null }, () => '12:04')).toBe('Deleted · 12:04')
    expect(deletedLabel({ deletedAt: null, deletedBy: null })).toBe('')
    expect(deletedLabel({ deletedAt: at, deletedBy: null, deletedByRetention: true }, () => '12:04')).toBe('Deleted by the retention policy · 12:04')
  })
  it('reads ?seq=N strictly', () => {
    expect(seqFromQuery('42')).toBe(42)
    expect([seqFromQuery('4x'), seqFromQuery(undefined), seqFromQuery(['1']), seqFromQuery('-1')]).toEqual([null, null, null, null])
  })
})
