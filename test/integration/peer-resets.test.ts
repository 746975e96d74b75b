import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInstance, type Instance } from '../support/instance.mjs'
import { PEER_RESETS } from '../support/peer-reset.mjs'

// A browser reloading or losing its network resets sockets mid-request; the server must shrug.
// Its own instance, so its whole output can be read for anything that escaped.
describe('peers that reset their connection mid-request', () => {
  let server: Instance

  beforeAll(async () => {
    server = await startInstance({ name: 'peer-resets', pgliteTemplate: true })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it.each(Object.keys(PEER_RESETS))('%s: the server serves on and logs nothing unhandled', async (name) => {
    const base = new URL(server.url)
    const before = server.output().length
    for (let i = 0; i < 5; i++) await PEER_RESETS[name]!(base)
    // The server sees the reset a moment after the client sent it.
    await new Promise(resolve => setTimeout(resolve, 300))
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    expect(server.alive()).toBe(true)
    expect(server.output().slice(before)).not.toMatch(/unhandled|uncaught|\[request error\]/i)
  })
})
