// A TCP proxy that holds every chunk `delayMs` before passing it on, each direction on its own:
// the latency half of a bad network for load/chaos.mjs, whose kernel has no netem (the loss half
// is nftables on the veth behind it, so TCP really retransmits). Chunks keep their order: timers
// of one duration fire in the order they were set.
import { createConnection, createServer } from 'node:net'

/**
 * @param {{ target: { host: string, port: number }, delayMs: number, host?: string }} options
 * @returns {Promise<{ url: string, port: number, close: () => void }>}
 */
export function startDelayProxy({ target, delayMs, host = '127.0.0.1' }) {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  const server = createServer((client) => {
    const upstream = createConnection(target)
    for (const s of [client, upstream]) {
      s.setNoDelay(true)
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    /** @param {import('node:net').Socket} from @param {import('node:net').Socket} to */
    const pipe = (from, to) => {
      from.on('data', chunk => setTimeout(() => { if (!to.destroyed) to.write(chunk) }, delayMs))
      from.on('end', () => setTimeout(() => to.end(), delayMs))
      // A reset travels as fast as the data before it, not faster.
      from.on('close', () => setTimeout(() => to.destroy(), delayMs + 1))
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () => {
          server.close()
          for (const s of sockets) s.destroy()
        }
      })
    })
  })
}
