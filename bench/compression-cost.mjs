#!/usr/bin/env node
// CPU per response of compressing the API's JSON on the fly (server/plugins/08.compress-responses.ts):
// brotli and gzip at several levels over a page of 50 chat messages shaped like the API's, with
// random ids (they compress worst). `node bench/compression-cost.mjs [repetitions]`.
import { randomUUID } from 'node:crypto'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const reps = Number(process.argv[2] ?? 500)
const message = i => ({
  id: randomUUID(), conversationId: randomUUID(), seq: i, senderId: randomUUID(),
  sender: { id: randomUUID(), displayName: 'Alice Example', avatarUrl: null }, type: 'text',
  content: `Message ${i}: let's meet at the usual place, bring the **notes** from yesterday`,
  contentHtml: `<p>Message ${i}: let's meet at the usual place, bring the <strong>notes</strong> from yesterday</p>`,
  createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, replyToId: null, threadRootId: null,
  reactions: [{ emoji: '👍', count: 2, userIds: [randomUUID(), randomUUID()] }], attachments: [], mentions: []
})
const body = Buffer.from(JSON.stringify({ messages: Array.from({ length: 50 }, (_, i) => message(i)), hasMore: true }))
const brotli = quality => () => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })

const rows = [
  ['JSON.stringify of the same page (for scale)', () => Buffer.from(JSON.stringify(JSON.parse(body.toString())))],
  ['brotli 1', brotli(1)], ['brotli 3 (used)', brotli(3)], ['brotli 4', brotli(4)], ['brotli 5', brotli(5)],
  ['gzip 1', () => gzipSync(body, { level: 1 })], ['gzip 6 (used without br)', () => gzipSync(body, { level: 6 })]
]
console.log(`| coding | bytes (of ${body.length}) | ratio | CPU ms per response |\n|---|---:|---:|---:|`)
for (const [name, run] of rows) {
  for (let i = 0; i < 50; i++) run()
  const t0 = process.cpuUsage()
  let out
  for (let i = 0; i < reps; i++) out = run()
  const { user, system } = process.cpuUsage(t0)
  console.log(`| ${name} | ${out.length} | ${(out.length / body.length * 100).toFixed(1)} % | ${((user + system) / reps / 1000).toFixed(3)} |`)
}
