import { createConnection, createServer, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startDelayProxy } from '../../load/lib/delay-proxy.mjs'

const closers: (() => void)[] = []
afterEach(() => { while (closers.length) closers.pop()?.() })

describe('load:chaos delay proxy', () => {
  it('holds each direction for the delay and keeps the bytes in order', async () => {
    // An echo server behind the proxy: a round trip crosses the delay twice.
    const echo = createServer(s => s.pipe(s))
    await new Promise<void>(r => echo.listen(0, '127.0.0.1', r))
    closers.push(() => echo.close())
    const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port }, delayMs: 150 })
    closers.push(proxy.close)

    const socket = createConnection({ host: '127.0.0.1', port: proxy.port })
    closers.push(() => socket.destroy())
    await new Promise(r => socket.once('connect', r))
    const expected = Array.from({ length: 50 }, (_, i) => `chunk${i};`).join('')
    let received = ''
    const started = performance.now()
    let firstByteMs = 0
    const done = new Promise<void>((resolve) => {
      socket.on('data', (d) => {
        if (!received) firstByteMs = performance.now() - started
        received += d
        if (received.length >= expected.length) resolve()
      })
    })
    for (let i = 0; i < 50; i++) socket.write(`chunk${i};`)
    await done
    expect(received).toBe(expected)
    expect(firstByteMs).toBeGreaterThanOrEqual(280)
  })
})
