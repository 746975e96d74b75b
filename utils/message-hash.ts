/** The URL hash that points at a message in a conversation: `/c/:id#m-<seq>`. */
export function messageHash(seq: number): string {
  return `#m-${seq}`
}

/** The seq a `#m-<seq>` hash points at, or null for any other hash. */
export function seqFromHash(hash: string): number | null {
  const match = /^#m-(\d+)$/.exec(hash)
  const seq = match ? Number(match[1]) : 0
  return seq > 0 ? seq : null
}
