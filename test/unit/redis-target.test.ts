import { describe, expect, it } from 'vitest'
import { parseRedisTarget } from '../../server/infra/redis-target'
import { jobPrefix } from '../../server/jobs/bull-queue'
import { heartbeatKeys } from '../../server/services/people/presence-sockets'

describe('REDIS_URL', () => {
  it('one node is handed to ioredis exactly as written, database and options included', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://:secret@redis.internal:6380/1', 'rediss://user:pw@cache.example.com:6380/0?family=6']) {
      expect(parseRedisTarget(url)).toEqual({ kind: 'single', url })
      expect(parseRedisTarget(url, 'false')).toEqual({ kind: 'single', url })
    }
  })

  it('several nodes name a cluster: every seed, with the credentials and TLS every node connection shares', () => {
    expect(parseRedisTarget('redis://127.0.0.1:7000,127.0.0.1:7001, 127.0.0.1:7002')).toEqual({
      kind: 'cluster',
      nodes: [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7002 }],
      tls: false
    })
    expect(parseRedisTarget('rediss://app:p%40ss:w@a.example.com,b.example.com:7001,[::1]:7002/0')).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'a.example.com', port: 6379 }, { host: 'b.example.com', port: 7001 }, { host: '::1', port: 7002 }],
      username: 'app',
      password: 'p@ss:w',
      tls: true
    })
    expect(parseRedisTarget('redis://:only-password@h1:7000,h2:7000')).toMatchObject({ password: 'only-password' })
    expect(parseRedisTarget('redis://:only-password@h1:7000,h2:7000')).not.toHaveProperty('username')
  })

  it('REDIS_CLUSTER=true makes one seed node a cluster', () => {
    expect(parseRedisTarget('redis://10.0.0.5:7000', 'true')).toEqual({ kind: 'cluster', nodes: [{ host: '10.0.0.5', port: 7000 }], tls: false })
    expect(parseRedisTarget('redis://10.0.0.5:7000', '1')).toMatchObject({ kind: 'cluster' })
  })

  it('refuses what a cluster cannot do, and what it cannot read', () => {
    expect(() => parseRedisTarget('redis://h1:7000,h2:7001/2')).toThrow(/database 0 only/)
    expect(() => parseRedisTarget('redis://h1:7000/3', 'true')).toThrow(/database 0 only/)
    expect(() => parseRedisTarget('redis://h1:7000,h2:7001?family=6')).toThrow(/no query options/)
    expect(() => parseRedisTarget('redis://h1:7000,h2:7001', 'false')).toThrow(/REDIS_CLUSTER is false/)
    expect(() => parseRedisTarget('redis://h1:7000', 'yes please')).toThrow(/REDIS_CLUSTER must be/)
    expect(() => parseRedisTarget('http://h1:7000,h2:7001')).toThrow(/REDIS_URL must look like/)
    expect(() => parseRedisTarget('redis://h1:notaport,h2:7001')).toThrow(/unreadable node "h1:notaport"/)
    expect(() => parseRedisTarget('redis://,', 'true')).toThrow(/names no host/)
  })
})

describe('keys on a cluster', () => {
  // Redis Cluster hashes only the first {…} of a key: what shares it shares a slot.
  const tag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1] ?? key

  it('every key one heartbeat script or pipeline touches shares a slot; one server keeps the old names', () => {
    const keys = heartbeatKeys(true)
    const all = [keys.global, keys.live('u1'), keys.idle('u1'), keys.live('u2'), keys.idle('u2')]
    expect(new Set(all.map(tag)).size).toBe(1)
    const single = heartbeatKeys(false)
    expect([single.global, single.live('u1'), single.idle('u1')]).toEqual(['presence:sockets', 'presence:live:u1', 'presence:idle:u1'])
  })

  it('each queue is one slot of its own; one server keeps the plain prefix', () => {
    expect(tag(`${jobPrefix('exports', true)}:exports:wait`)).toBe(tag(`${jobPrefix('exports', true)}:exports:delayed`))
    expect(tag(jobPrefix('exports', true))).not.toBe(tag(jobPrefix('scheduled-sends', true)))
    expect(jobPrefix('exports', false)).toBe('chat-jobs')
  })
})
