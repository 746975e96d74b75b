import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { lazy } from './lazy'

function create() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    socketsConnected: new Gauge({ name: 'chat_sockets_connected', help: 'Socket.IO connections open on this instance', registers: [registry] }),
    messagesPersisted: new Counter({ name: 'chat_messages_persisted_total', help: 'Messages committed to the database', registers: [registry] }),
    sendAckSeconds: new Histogram({
      name: 'chat_send_ack_seconds',
      help: 'Time from receiving a send to acknowledging it after commit',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      labelNames: ['transport'],
      registers: [registry]
    }),
    sendEmitSeconds: new Histogram({
      name: 'chat_send_emit_seconds',
      help: 'Time from a send reaching the send path to its message:new being handed to the adapter for delivery',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    }),
    groupCommitQueue: new Gauge({ name: 'chat_group_commit_queue', help: 'Plain messages waiting for the next group commit', registers: [registry] }),
    groupCommitBatch: new Histogram({
      name: 'chat_group_commit_batch_size',
      help: 'Messages written by one group-commit statement',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry]
    }),
    // With DATABASE_READ_URL: how much of the read load the replica takes, and how often it falls back.
    replicaReads: new Counter({ name: 'chat_routed_reads_total', help: 'History, thread, search and sync reads by where they ran: the replica, or the primary and why (own-write, replica-behind, replica-down)', labelNames: ['target'], registers: [registry] }),
    sendGates: new Counter({ name: 'chat_send_gates_total', help: 'Send checks by where they were answered: memory (kept while the database access feed is live) or database', labelNames: ['source'], registers: [registry] }),
    errors: new Counter({ name: 'chat_errors_total', help: 'Errors returned to clients by code', labelNames: ['code'], registers: [registry] })
  }
}

/** Prometheus metrics for this instance. */
export const useMetrics = lazy('metrics', create)
