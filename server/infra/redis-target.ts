/** One Redis server: the URL is handed to ioredis as it is (`redis://[user:pass@]host:port[/db]`). */
export interface SingleRedisTarget { kind: 'single', url: string }

/** A Redis Cluster: seed nodes (ioredis discovers the rest) and what every node connection shares. */
export interface ClusterRedisTarget {
  kind: 'cluster'
  nodes: { host: string, port: number }[]
  username?: string
  password?: string
  tls: boolean
}

export type RedisTarget = SingleRedisTarget | ClusterRedisTarget

const DEFAULT_PORT = 6379

/**
 * Reads REDIS_URL (and REDIS_CLUSTER). A cluster is named by listing several nodes in one URL,
 * `redis://[user:pass@]host1:7000,host2:7001,host3:7002`, or by REDIS_CLUSTER=true beside a URL of
 * one seed node. A cluster has database 0 only, so a database path other than /0 is refused, and
 * so are query options (ioredis would not apply them to the node connections).
 */
export function parseRedisTarget(url: string, clusterFlag?: string): RedisTarget {
  const flag = clusterFlag?.trim().toLowerCase()
  if (flag && !['true', 'false', '1', '0', ''].includes(flag)) throw new Error(`REDIS_CLUSTER must be "true" or "false", got "${clusterFlag}"`)
  const match = /^(rediss?):\/\/(?:([^@/]*)@)?([^/?#]*)([^?#]*)(\?[^#]*)?$/i.exec(url.trim())
  if (!match) throw new Error('REDIS_URL must look like redis://host:port or, for a cluster, redis://host1:port1,host2:port2')
  const [, scheme, userinfo, hostList, path, query] = match as unknown as [string, string, string | undefined, string, string, string | undefined]
  const hosts = hostList.split(',').map(h => h.trim()).filter(Boolean)
  if (hosts.length === 0) throw new Error('REDIS_URL names no host')
  const explicit = flag === 'true' || flag === '1'
  if ((flag === 'false' || flag === '0') && hosts.length > 1) throw new Error('REDIS_URL lists several nodes, which only a cluster takes, but REDIS_CLUSTER is false')
  if (hosts.length === 1 && !explicit) return { kind: 'single', url }

  if (path && !/^\/0?$/.test(path)) throw new Error(`a Redis Cluster has database 0 only; drop "${path}" from REDIS_URL`)
  if (query) throw new Error('REDIS_URL of a cluster takes no query options')
  const nodes = hosts.map((host) => {
    // URL parses bracketed IPv6 and checks the port; the scheme only has to be one it knows.
    let parsed: URL
    try {
      parsed = new URL(`http://${host}`)
    } catch {
      throw new Error(`REDIS_URL has an unreadable node "${host}"`)
    }
    if (parsed.pathname !== '/' || parsed.username || parsed.search) throw new Error(`REDIS_URL has an unreadable node "${host}"`)
    return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port ? Number(parsed.port) : DEFAULT_PORT }
  })
  const [user, ...rest] = userinfo ? userinfo.split(':') : []
  const password = rest.length ? decodeURIComponent(rest.join(':')) : undefined
  return {
    kind: 'cluster',
    nodes,
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(password ? { password } : {}),
    tls: scheme.toLowerCase() === 'rediss'
  }
}
