import type { Namespace, ServerOptions } from 'socket.io'
import { Adapter, MessageType, type BroadcastOptions, type ClusterAdapter, type ClusterMessage } from 'socket.io-adapter'
import { logger } from './logger'

type Packet = Parameters<Adapter['broadcast']>[0]
/** ClusterAdapter's own way to hand a message to the other instances (protected in its types). */
interface Publisher { publishAndReturnOffset(message: ClusterMessage): Promise<string> }

/** Whether the server keeps missed packets for reconnecting clients (its options are private in its types). */
const recovers = (nsp: Namespace) => Boolean((nsp.server as unknown as { opts: ServerOptions }).opts.connectionStateRecovery)

/**
 * A cluster adapter (Redis streams, sharded pub/sub) that delivers each broadcast to this
 * instance's sockets first, then hands it to the other instances. As shipped, it waits until
 * Redis has taken the broadcast before delivering it here: every local delivery paid a Redis
 * round trip (and its queue, at 600 msg/s), and while Redis did not answer (a partition, a slow
 * restart) members on the same instance got nothing live at all. Order is kept: this instance's
 * sockets get broadcasts in the order they are made, and the stream keeps that order for the
 * others. With connection-state recovery the packet must carry its stored offset, so that mode
 * keeps the shipped order.
 */
export function deliveringHereFirst<A extends ClusterAdapter>(create: (nsp: Namespace) => A): (nsp: Namespace) => A {
  // A function, not an arrow: Socket.IO calls the adapter option with `new`, and an object
  // returned from a constructor stands for the instance.
  return function (nsp: Namespace) {
    const adapter = create(nsp)
    const shipped = adapter.broadcast.bind(adapter)
    // The server's options are set before its adapters are made: read once, not per broadcast.
    const recovering = recovers(nsp)
    adapter.broadcast = async (packet: Packet, opts: BroadcastOptions) => {
      if (opts.flags?.local || recovering) return shipped(packet, opts)
      Adapter.prototype.broadcast.call(adapter, packet, opts)
      try {
        await (adapter as unknown as Publisher).publishAndReturnOffset({
          type: MessageType.BROADCAST,
          data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } }
        } as ClusterMessage)
      } catch (error) {
        // As shipped: the other instances miss it live and catch up through sync:request.
        logger.warn({ err: error, nsp: nsp.name }, 'broadcast not handed to the other instances')
      }
    }
    return adapter
  }
}
