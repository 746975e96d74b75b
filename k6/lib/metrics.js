// Custom metrics. Names are stable: thresholds, README and dashboards refer to them.
import { Counter, Rate, Trend } from 'k6/metrics'

/** message:send emit → ack { ok:true } (sender side, ms). */
export const sendAck = new Trend('chat_send_ack_ms', true)
/** send timestamp embedded in the content → message:new seen by another member (receiver side, ms). */
export const deliver = new Trend('chat_deliver_ms', true)
/** socket closed → reconnected and sync:request answered for every conversation (ms). */
export const reconnect = new Trend('chat_reconnect_ms', true)
/** Engine.IO open → Socket.IO CONNECT acknowledged (ms). */
export const connectTime = new Trend('chat_connect_ms', true)
/** sync:request emit → ack, per request (ms). */
export const syncTime = new Trend('chat_sync_ms', true)

/** Messages acknowledged with ok:true to their sender (retries of the same clientId excluded). */
export const sent = new Counter('chat_messages_sent')
/** message:new events received in real time from other members. */
export const received = new Counter('chat_messages_received')
/** Messages a receiver did not get in real time but sync:request returned (reconnects, gaps). */
export const recovered = new Counter('chat_messages_recovered')
/** Counter values that neither real time nor sync:request could account for: a lost message. Must be 0. */
export const lost = new Counter('chat_messages_lost')
/** The same message id delivered twice as message:new to one socket. Must be 0. */
export const duplicates = new Counter('chat_duplicates')
/** Every socket operation and REST call of the scenarios: true when it failed. */
export const errors = new Rate('chat_errors')
/** Searches answered 404 (search not implemented on this server yet): skipped, not failed. */
export const searchSkipped = new Counter('search_skipped')
/** Socket drops the client did not ask for. */
export const unexpectedDisconnects = new Counter('chat_unexpected_disconnects')
