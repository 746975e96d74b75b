import { deflateSync } from 'node:zlib'
import type { Attachment } from '#shared/types'
import type { Session } from '../support/helpers'

export type ErrorJson = { error?: { code: string, message: string, details?: { fields?: { field: string }[] } } }

/**
 * A small but real PNG (the server reads its size from the IHDR chunk). `rows` replaces the image
 * data, e.g. with a few bytes to declare a huge canvas without holding it.
 */
export function png(width: number, height: number, rows?: Buffer): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xFFFFFFFF
    for (const b of buf) c = table[(c ^ b) & 0xFF]! ^ (c >>> 8)
    return (c ^ 0xFFFFFFFF) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'latin1')
    data.copy(out, 8)
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows ?? Buffer.alloc((width * 3 + 1) * height))), chunk('IEND', Buffer.alloc(0))
  ])
}

export async function upload(session: Session, conversationId: string, bytes: Buffer | string, fileName: string, type: string) {
  const form = new FormData()
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), fileName)
  const res = await fetch(`${session.base}/api/conversations/${conversationId}/uploads`, {
    method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: form
  })
  return { status: res.status, body: await res.json() as { attachment: Attachment } & ErrorJson }
}

export async function download(session: Session | null, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${(session?.base ?? '')}${path}`, {
    headers: { ...(session ? { authorization: `Bearer ${session.token}` } : {}), ...headers }, redirect: 'manual'
  })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}
