// Network namespaces for load/chaos.mjs: each instance runs in a namespace of its own, joined to
// the root namespace (where the load driver, PostgreSQL and Redis run) by three veth pairs, one
// per path, so each path can be impaired alone (nftables packet loss inside the namespace; this
// kernel has no netem, so delay is added by load/lib/delay-proxy.mjs in front of the client path):
//
//   root                              namespace <prefix>-<label>
//   <prefix><k>c 10.231.<4k+1>.1  ──  cli   10.231.<4k+1>.2   clients → instance (HTTP, Socket.IO)
//   <prefix><k>p 10.231.<4k+2>.1  ──  pg    10.231.<4k+2>.2   instance → PostgreSQL
//   <prefix><k>r 10.231.<4k+3>.1  ──  redis 10.231.<4k+3>.2   instance → Redis
//
// Every name is derived from the prefix, so a run first removes what a killed predecessor left
// (its namespaces, the processes still inside them, their veths; nftables rules go with the
// namespace). Needs root, ip and nft (Debian: apt-get install nftables). Every call is
// synchronous and short, so exit handlers can use them.
import { spawnSync } from 'node:child_process'

/**
 * @param {string[]} argv
 * @param {{ ignoreFailure?: boolean, input?: string }} [options]
 */
function sh(argv, { ignoreFailure = false, input } = {}) {
  const r = spawnSync(/** @type {string} */ (argv[0]), argv.slice(1), { encoding: 'utf8', timeout: 15_000, input })
  if (!ignoreFailure && r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr.trim()}`)
  return r
}

/** @typedef {'cli' | 'pg' | 'redis'} LinkKind */
/**
 * One veth pair between the root namespace and an instance's.
 * @typedef {object} Link
 * @property {string} rootDev
 * @property {string} nsDev
 * @property {string} rootAddr   the root end's address (what the instance dials for PostgreSQL and Redis)
 * @property {string} nsAddr     the namespace end's (what clients dial for the instance)
 */
/**
 * @typedef {object} Node
 * @property {string} label
 * @property {string} ns
 * @property {Record<LinkKind, Link>} links
 * @property {string[]} exec     prefix that runs a command inside the namespace
 */

const KINDS = /** @type {const} */ (['cli', 'pg', 'redis'])

/** Why this process cannot build the lab, or null when it can. */
export function labUnavailable() {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, nft)'
  if (sh(['ip', 'netns', 'list'], { ignoreFailure: true }).status !== 0) return 'ip netns does not work here'
  if (sh(['nft', '--version'], { ignoreFailure: true }).status !== 0) return 'needs nft (apt-get install nftables)'
  return null
}

/**
 * The plan for `labels` (no side effects).
 * @param {string} prefix @param {string[]} labels @param {string} [net] first two octets
 * @returns {Node[]}
 */
export function planLab(prefix, labels, net = '10.231') {
  return labels.map((label, k) => {
    const ns = `${prefix}-${label}`
    const links = /** @type {Record<LinkKind, Link>} */ (Object.fromEntries(KINDS.map((kind, i) => [kind, {
      rootDev: `${prefix}${k}${kind[0]}`,
      nsDev: kind,
      rootAddr: `${net}.${4 * k + i + 1}.1`,
      nsAddr: `${net}.${4 * k + i + 1}.2`
    }])))
    return { label, ns, links, exec: ['ip', 'netns', 'exec', ns] }
  })
}

/**
 * Removes every namespace named `<prefix>-…` (SIGKILLing the processes left inside: a previous
 * run's instances) and every root-side veth `<prefix><k>{c,p,r}`. Returns what it removed.
 * @param {string} prefix
 */
export function removeStale(prefix) {
  /** @type {string[]} */
  const removed = []
  const names = sh(['ip', 'netns', 'list'], { ignoreFailure: true }).stdout.split('\n').map(l => l.split(' ')[0] ?? '').filter(n => n.startsWith(`${prefix}-`))
  for (const ns of names) {
    for (const pid of sh(['ip', 'netns', 'pids', ns], { ignoreFailure: true }).stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL')
        removed.push(`pid ${pid} in ${ns}`)
      } catch {
        // already gone
      }
    }
    sh(['ip', 'netns', 'del', ns], { ignoreFailure: true })
    removed.push(`netns ${ns}`)
  }
  const devRe = new RegExp(`^${prefix}\\d+[cpr]$`)
  const devs = sh(['ip', '-o', 'link', 'show'], { ignoreFailure: true }).stdout.split('\n').map(l => (l.split(':')[1] ?? '').trim().split('@')[0] ?? '').filter(d => devRe.test(d))
  for (const dev of devs) {
    sh(['ip', 'link', 'del', dev], { ignoreFailure: true })
    removed.push(`link ${dev}`)
  }
  return removed
}

/**
 * Creates the namespaces and veths of `planLab(prefix, labels)` (after removing stale ones).
 * @param {{ prefix: string, labels: string[], net?: string }} options
 */
export function createLab({ prefix, labels, net }) {
  removeStale(prefix)
  const nodes = planLab(prefix, labels, net)
  for (const node of nodes) {
    sh(['ip', 'netns', 'add', node.ns])
    sh(['ip', '-n', node.ns, 'link', 'set', 'lo', 'up'])
    for (const link of Object.values(node.links)) {
      sh(['ip', 'link', 'add', link.rootDev, 'type', 'veth', 'peer', 'name', link.nsDev, 'netns', node.ns])
      sh(['ip', 'addr', 'add', `${link.rootAddr}/24`, 'dev', link.rootDev])
      sh(['ip', 'link', 'set', link.rootDev, 'up'])
      sh(['ip', '-n', node.ns, 'addr', 'add', `${link.nsAddr}/24`, 'dev', link.nsDev])
      sh(['ip', '-n', node.ns, 'link', 'set', link.nsDev, 'up'])
    }
  }

  /** nftables table name of a link's impairment. @param {LinkKind} kind */
  const table = kind => `chaos_${kind}`

  return {
    nodes,
    /**
     * Drops `percent` % of the packets crossing a link, each direction on its own (100: a silent
     * partition, no RST and no ICMP: the sockets learn nothing until their own timeouts).
     * @param {Node} node @param {LinkKind} kind @param {number} percent
     */
    loss(node, kind, percent) {
      const dev = node.links[kind].nsDev
      const verdict = percent >= 100 ? 'drop' : `numgen random mod 100 < ${Math.round(percent)} drop`
      sh(['ip', 'netns', 'exec', node.ns, 'nft', '-f', '-'], {
        input: [
          `table inet ${table(kind)} {`,
          `  chain in { type filter hook input priority 0; iifname "${dev}" ${verdict}; }`,
          `  chain out { type filter hook output priority 0; oifname "${dev}" ${verdict}; }`,
          '}', ''
        ].join('\n')
      })
    },
    /** Removes a link's impairment. @param {Node} node @param {LinkKind} kind */
    clear(node, kind) {
      sh(['ip', 'netns', 'exec', node.ns, 'nft', 'delete', 'table', 'inet', table(kind)], { ignoreFailure: true })
    },
    /** Link state of both ends (`ip link set … down`: a cut the kernel reports to the sockets, unlike a silent drop). @param {Node} node @param {LinkKind} kind @param {boolean} up */
    setUp(node, kind, up) {
      sh(['ip', 'link', 'set', node.links[kind].rootDev, up ? 'up' : 'down'])
      sh(['ip', '-n', node.ns, 'link', 'set', node.links[kind].nsDev, up ? 'up' : 'down'])
    },
    destroy: () => removeStale(prefix)
  }
}
