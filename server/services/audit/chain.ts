import { createHash } from 'node:crypto'

/**
 * The hash chain's pure part: what an entry's hash covers and how it is computed. Kept free of the
 * database so the verifier and the writer cannot drift apart and unit tests can pin it down.
 */

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64)

/** Every field an entry's hash covers, exactly as stored and read back. */
export interface ChainFields {
  seq: number
  prevHash: string
  actorId: string | null
  actorLabel: string | null
  action: string
  targetType: string
  targetId: string | null
  details: unknown
  /** ISO 8601 with milliseconds: the app sets created_at, and timestamptz keeps milliseconds exactly. */
  createdAt: string
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * JSON with object keys sorted at every depth and no whitespace (the shape RFC 8785 specifies;
 * JavaScript's number and string serialisation already match it). jsonb reorders keys and drops
 * whitespace, so hashing JSON.stringify of the stored value would not reproduce the written one.
 * A few lines rather than a dependency: the package for it (canonicalize) is not in this project.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(toJson(value)))
}

/** What jsonb will store: JSON.stringify's view of the value (dates become strings, undefined goes). */
export function toJson(value: unknown): Json {
  if (value === undefined) return null
  return JSON.parse(JSON.stringify(value)) as Json
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: { [key: string]: Json } = {}
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!)
    return out
  }
  return value
}

/** sha-256 (hex) over the canonical JSON of every covered field, the previous hash included. */
export function entryHash(fields: ChainFields): string {
  const covered = {
    seq: fields.seq,
    prevHash: fields.prevHash,
    actorId: fields.actorId,
    actorLabel: fields.actorLabel,
    action: fields.action,
    targetType: fields.targetType,
    targetId: fields.targetId,
    details: toJson(fields.details),
    createdAt: fields.createdAt
  }
  return createHash('sha256').update(canonicalJson(covered)).digest('hex')
}

/** A stored entry as the verifier reads it. */
export interface StoredLink extends ChainFields {
  id: string
  hash: string
}

export type LinkCheck = { ok: true } | { ok: false, reason: 'gap' | 'link' | 'hash' }

/**
 * Checks one entry against the one before it (null for the first): the position follows on, the
 * entry links to the previous stored hash, and its own hash matches its content. An altered entry
 * fails on its own hash; the entry after a removed one fails on the gap.
 */
export function checkLink(previous: Pick<StoredLink, 'seq' | 'hash'> | null, entry: StoredLink): LinkCheck {
  const expectedSeq = previous ? previous.seq + 1 : 1
  if (entry.seq !== expectedSeq) return { ok: false, reason: 'gap' }
  if (entry.prevHash !== (previous ? previous.hash : GENESIS_HASH)) return { ok: false, reason: 'link' }
  if (entryHash(entry) !== entry.hash) return { ok: false, reason: 'hash' }
  return { ok: true }
}
