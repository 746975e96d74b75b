import { describe, expect, it } from 'vitest'
import { canonicalJson, checkLink, entryHash, GENESIS_HASH, type ChainFields, type StoredLink } from '../../server/services/audit/chain'

const base: ChainFields = {
  seq: 1,
  prevHash: GENESIS_HASH,
  actorId: '00000000-0000-4000-8000-000000000001',
  actorLabel: null,
  action: 'retention.update',
  targetType: 'project',
  targetId: '00000000-0000-4000-8000-0000000000a1',
  details: { before: { days: null, keepPinned: true }, after: { days: 30, keepPinned: false } },
  createdAt: '2026-12-01T12:00:00.123Z'
}

function chain(...details: unknown[]): StoredLink[] {
  const out: StoredLink[] = []
  for (const [i, d] of details.entries()) {
    const fields = { ...base, seq: i + 1, prevHash: out.at(-1)?.hash ?? GENESIS_HASH, details: d }
    out.push({ ...fields, id: `e${i + 1}`, hash: entryHash(fields) })
  }
  return out
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}')
  })

  it('reads what jsonb stores: undefined fields dropped, dates as ISO strings', () => {
    expect(canonicalJson({ a: undefined, at: new Date('2026-01-02T03:04:05.006Z'), n: null })).toBe('{"at":"2026-01-02T03:04:05.006Z","n":null}')
  })

  it('escapes quotes, newlines and emoji as JSON does, so they round-trip', () => {
    const text = 'a "quoted", line\nbreak 🎉'
    expect(JSON.parse(canonicalJson({ text }))).toEqual({ text })
  })
})

describe('entry hash', () => {
  it('does not depend on the key order of details (jsonb reorders them)', () => {
    const reordered = { ...base, details: { after: { keepPinned: false, days: 30 }, before: { keepPinned: true, days: null } } }
    expect(entryHash(reordered)).toBe(entryHash(base))
  })

  it('changes with every covered field', () => {
    const h = entryHash(base)
    const changes: Partial<ChainFields>[] = [
      { seq: 2 }, { prevHash: 'f'.repeat(64) }, { actorId: null }, { actorLabel: 'system:retention' }, { action: 'retention.run' },
      { targetType: 'conversation' }, { targetId: null }, { details: { after: { days: 31 } } }, { createdAt: '2026-12-01T12:00:00.124Z' }
    ]
    for (const change of changes) expect(entryHash({ ...base, ...change }), JSON.stringify(change)).not.toBe(h)
  })

  it('is sha-256 hex', () => {
    expect(entryHash(base)).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('checking links', () => {
  it('accepts an intact chain', () => {
    const entries = chain({ a: 1 }, { b: 2 }, { c: 3 })
    let previous: StoredLink | null = null
    for (const e of entries) {
      expect(checkLink(previous, e)).toEqual({ ok: true })
      previous = e
    }
  })

  it('fails an altered entry on its own hash, and the next one still links', () => {
    const [a, b, c] = chain({ a: 1 }, { b: 2 }, { c: 3 })
    const altered = { ...b!, details: { b: 'changed' } }
    expect(checkLink(a!, altered)).toEqual({ ok: false, reason: 'hash' })
    expect(checkLink(altered, c!)).toEqual({ ok: true })
  })

  it('fails the entry after a removed one on the gap', () => {
    const [a, , c] = chain({ a: 1 }, { b: 2 }, { c: 3 })
    expect(checkLink(a!, c!)).toEqual({ ok: false, reason: 'gap' })
  })

  it('fails a first entry that is not at position 1 or does not start from genesis', () => {
    const [a, b] = chain({ a: 1 }, { b: 2 })
    expect(checkLink(null, b!)).toEqual({ ok: false, reason: 'gap' })
    expect(checkLink(null, { ...a!, prevHash: 'x' })).toEqual({ ok: false, reason: 'link' })
  })

  it('fails an entry whose hash was recomputed after altering it on the next link', () => {
    const [a, b, c] = chain({ a: 1 }, { b: 2 }, { c: 3 })
    const forged = { ...b!, details: { b: 'forged' } }
    forged.hash = entryHash(forged)
    expect(checkLink(a!, forged)).toEqual({ ok: true })
    expect(checkLink(forged, c!)).toEqual({ ok: false, reason: 'link' })
  })
})
