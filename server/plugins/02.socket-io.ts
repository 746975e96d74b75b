import { Server as Engine } from 'engine.io'
import { Server } from 'socket.io'
import type { Peer } from 'crossws'
import { SOCKET_PING_INTERVAL_MS, SOCKET_PING_TIMEOUT_MS } from '#shared/limits'
import { serverReady } from '../services/instance/startup'
import { logger } from '../infra/logger'
import { setRealtimeServer, type ChatServer } from '../infra/realtime'
import { createRedisConnection, getRedis, isRedisCluster } from '../infra/redis'
import { deliveringHereFirst } from '../infra/deliver-here-first'
import { onConnection, prepareRooms, registerSocketEvents, startTokenExpirySweep } from '../realtime/connection'
import { resolveActor } from '../infra/auth/identity'
import { toErrorBody } from '../utils/errors'

/** The largest Engine.IO payload (a polling POST body or one websocket message), in bytes. */
const TRANSPORT_MAX_BYTES = 1e6

/** What crossws keeps of a websocket peer (private fields of the pinned version). */
interface PeerInternals {
  nodeReq: { socket: unknown }
  ws: { removeAllListeners: (event: string) => void }
  peers: Set<unknown>
}

/**
 * Hands the websocket over to engine.io alone. crossws would otherwise keep, per connection, its
 * peer, the whole upgrade request (headers, raw headers, query) and three listeners that route
 * every incoming frame through h3's router to hooks this handler does not have. Called before
 * engine.io attaches its own listeners, so only crossws' are removed; engine.io handles errors
 * and close itself.
 */
function detachFromCrossws(peer: Peer, internal: PeerInternals) {
  for (const event of ['message', 'error', 'close']) internal.ws.removeAllListeners(event)
  internal.peers.delete(peer)
}

/** Socket.IO bound to Nitro: polling through the HTTP handler, websocket through crossws' peer. */
export default defineNitroPlugin(async (nitroApp) => {
  // The websocket server is crossws' (created by Nitro's node entry right after the plugins have
  // started), not engine.io's, so engine.io's maxHttpBufferSize never reaches it. Its options come
  // from the h3 app's websocket options, read once when Nitro creates the server: set the frame
  // cap there, before the first await, so an oversized frame is refused by `ws` from its header
  // (close 1009) instead of being buffered and parsed.
  const h3Options = nitroApp.h3App.options as { websocket?: Record<string, unknown> }
  // clientTracking off: engine.io tracks its sockets; ws' own set would hold one more listener and
  // entry per connection for a close-all nobody calls.
  h3Options.websocket = { ...h3Options.websocket, serverOptions: { maxPayload: TRANSPORT_MAX_BYTES, clientTracking: false } }

  const engine = new Engine({
    // A few bytes per socket every 5 s lets both ends notice a dead link within seconds, not 45.
    pingInterval: SOCKET_PING_INTERVAL_MS,
    pingTimeout: SOCKET_PING_TIMEOUT_MS,
    maxHttpBufferSize: TRANSPORT_MAX_BYTES,
    transports: ['polling', 'websocket']
  })
  const io: ChatServer = new Server({ serveClient: false })
  io.bind(engine as never)

  // Sockets would otherwise keep the whole handshake request alive for their lifetime.
  engine.on('connection', (rawSocket: { request: unknown }) => {
    rawSocket.request = null
  })

  if (getRedis()) {
    // SOCKET_ADAPTER=redis-streams (default) | redis (pub/sub) | redis-sharded (sharded pub/sub).
    // Streams and pub/sub measured with scripts/bench-adapters.mjs: equal on the message path (the
    // database dominates); pub/sub is lighter on Redis. The streams adapter can still deliver
    // broadcasts queued while Redis restarted (pub/sub drops them), at the price of holding local
    // delivery until Redis answers; deliveringHereFirst lifts that hold. sync:request stays the real guarantee.
    // On a Redis Cluster only sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7) spreads the traffic: each
    // room's channel lives on the node owning its slot, where a stream or plain pub/sub would load
    // one node with everything (plain PUBLISH is copied to every node of the cluster).
    const cluster = isRedisCluster()
    const kind = (process.env.SOCKET_ADAPTER || (cluster ? 'redis-sharded' : 'redis-streams')).toLowerCase()
    if (cluster && kind !== 'redis-sharded') throw new Error(`on a Redis Cluster SOCKET_ADAPTER must be "redis-sharded", got "${kind}"`)
    if (kind === 'redis-streams') {
      const { createAdapter } = await import('@socket.io/redis-streams-adapter')
      // The adapter duplicates this client for its blocking XREAD loop and for pub/sub responses.
      const client = createRedisConnection()
      io.adapter(deliveringHereFirst(createAdapter(client, { streamName: 'chat:sio', channelPrefix: 'chat:sio', onlyPlaintext: true })))
      nitroApp.hooks.hook('close', async () => {
        await Promise.allSettled([client.quit()])
      })
    } else if (kind === 'redis') {
      const { createAdapter } = await import('@socket.io/redis-adapter')
      const pub = createRedisConnection()
      const sub = pub.duplicate()
      io.adapter(createAdapter(pub, sub, { key: 'chat' }))
      nitroApp.hooks.hook('close', async () => {
        await Promise.allSettled([pub.quit(), sub.quit()])
      })
    } else if (kind === 'redis-sharded') {
      const { createShardedAdapter } = await import('@socket.io/redis-adapter')
      const pub = createRedisConnection()
      const sub = createRedisConnection({ shardedPubSub: true })
      io.adapter(deliveringHereFirst(createShardedAdapter(pub, sub, { channelPrefix: 'chat:sio' })))
      nitroApp.hooks.hook('close', async () => {
        await Promise.allSettled([pub.quit(), sub.quit()])
      })
    } else {
      throw new Error(`SOCKET_ADAPTER must be "redis", "redis-streams" or "redis-sharded", got "${kind}"`)
    }
  }

  io.use(async (socket, next) => {
    try {
      await serverReady()
      const auth = socket.handshake.auth as { token?: unknown }
      const actor = await resolveActor(typeof auth.token === 'string' ? auth.token : undefined)
      socket.data = { userId: actor.id, displayName: actor.displayName, role: actor.role, avatarUrl: actor.avatarUrl, tokenExp: actor.tokenExp }
      await prepareRooms(socket)
      next()
    } catch (error) {
      const body = toErrorBody(error)
      // UNAVAILABLE (the database is down) is no reason to sign in again: the client retries as it is.
      const err = new Error(body.code === 'INTERNAL' || body.code === 'UNAVAILABLE' ? body.code : 'UNAUTHENTICATED') as Error & { data?: unknown }
      err.data = body
      next(err)
    }
  })
  registerSocketEvents()
  io.on('connection', (socket) => {
    onConnection(socket).catch((error) => {
      logger.error({ err: error, socketId: socket.id, userId: socket.data.userId }, 'socket connection setup failed')
      socket.disconnect(true)
    })
  })
  setRealtimeServer(io)
  const stopExpirySweep = startTokenExpirySweep(io)

  nitroApp.router.use('/socket.io/', defineEventHandler({
    handler(event) {
      engine.handleRequest(event.node.req as never, event.node.res as never)
      event._handled = true
    },
    websocket: {
      open(peer: Peer) {
        const internal = (peer as unknown as { _internal: PeerInternals })._internal
        detachFromCrossws(peer, internal)
        // prepare/onWebSocket are engine.io internals (pinned version, covered by the websocket tests).
        const internals = engine as unknown as { prepare: (req: unknown) => void, onWebSocket: (req: unknown, socket: unknown, ws: unknown) => void }
        internals.prepare(internal.nodeReq)
        internals.onWebSocket(internal.nodeReq, internal.nodeReq.socket, internal.ws)
      }
    }
  }))

  nitroApp.hooks.hook('close', async () => {
    stopExpirySweep()
    setRealtimeServer(undefined)
    await io.close()
  })
})
