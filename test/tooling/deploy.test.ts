import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

// The self-hosting files in deploy/ cannot be run here (no Docker): these checks hold them to the
// app they deploy, so a renamed variable, a moved health route or a lost sticky-session line fails CI.

const root = resolve(import.meta.dirname, '..', '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

interface ComposeService {
  image?: string
  build?: { context: string, dockerfile: string }
  environment?: Record<string, string>
  env_file?: { path: string, required?: boolean }[]
  volumes?: string[]
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  command?: string[]
}
interface Compose { services: Record<string, ComposeService>, volumes: Record<string, unknown> }

const composeText = read('deploy/compose.yaml')
const compose = parse(composeText, { merge: true }) as Compose
const appServices = Object.entries(compose.services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile')
const dockerfile = read('deploy/Dockerfile')
/** nginx.conf without its comments. */
const nginx = read('deploy/nginx.conf').replace(/#.*$/gm, '')

/** The `head { body }` blocks of an nginx config, nested ones included; braces inside quotes (regexes) do not count. */
function nginxBlocks(text: string): { head: string, body: string }[] {
  const found: { head: string, body: string }[] = []
  const open: number[] = []
  let quote = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === '\'') {
      quote = c
    } else if (c === '{') {
      open.push(i)
    } else if (c === '}') {
      const start = open.pop()!
      const head = text.slice(Math.max(text.lastIndexOf(';', start), text.lastIndexOf('{', start - 1), text.lastIndexOf('}', start)) + 1, start).trim()
      found.push({ head, body: text.slice(start + 1, i) })
    }
  }
  return found
}
const blocks = nginxBlocks(nginx)
const block = (head: RegExp) => blocks.find(b => head.test(b.head))

/** compose.yaml's `${VAR…}` interpolations replaced by `x`, as `docker compose` would with a value. */
const interpolate = (value: string) => value.replace(/\$\{\w+[^}]*\}/g, 'x')

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (name === 'node_modules') continue
    if (statSync(path).isDirectory()) filesUnder(path, out)
    else if (/\.(?:ts|mts|mjs|js)$/.test(name)) out.push(path)
  }
  return out
}

/** Every environment variable the server reads: its own code, plus what Nitro's node server reads (HOST, PORT). */
function variablesTheAppReads(): Set<string> {
  const sources = [
    ...['server', 'layers', 'shared'].flatMap(dir => filesUnder(join(root, dir))),
    join(root, 'node_modules/nitropack/dist/presets/node/runtime/node-server.mjs')
  ]
  const names = new Set<string>()
  for (const file of sources) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\b(?:process\.env|env)\.([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1]!)
    for (const m of text.matchAll(/process\.env\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) names.add(m[1]!)
    // const { A: a, B } = process.env
    for (const m of text.matchAll(/\{([^{}]+)\}\s*=\s*process\.env\b/g)) {
      for (const key of m[1]!.matchAll(/\b([A-Z][A-Z0-9_]+)\b\s*(?::|,|$)/g)) names.add(key[1]!)
    }
  }
  return names
}

/** The route file that answers GET `path`, if any (server/api or server/routes). */
function routeFile(path: string): string | undefined {
  const rel = path.replace(/^\//, '').replace(/\?.*$/, '')
  const bases = rel.startsWith('api/') ? [join('server/api', rel.slice(4)), join('server/routes', rel)] : [join('server/routes', rel)]
  return bases.flatMap(b => ['.get.ts', '.ts', '/index.get.ts', '/index.ts'].map(s => b + s)).find(f => existsSync(join(root, f)))
}

/** `KEY=value` and `# KEY=value` lines of an env file. */
function envFileKeys(text: string): { set: string[], all: string[] } {
  const set = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map(m => m[1]!)
  const all = [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map(m => m[1]!)
  return { set, all }
}

describe('deploy/compose.yaml', () => {
  it('is a valid Compose file (the Compose Specification schema Docker Compose checks against)', () => {
    const schema = JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')) as object
    // The schema names draft-07 by an https URL ajv does not know; its keywords are plain draft-07.
    const validate = new Ajv({ allErrors: true, validateSchema: false }).compile(schema)
    expect(validate(parse(composeText)), JSON.stringify(validate.errors, null, 1)).toBe(true)
  })

  it('runs two app instances from deploy/Dockerfile, Postgres 15/16, Redis 7 and an nginx load balancer', () => {
    expect(appServices.map(([name]) => name).length).toBeGreaterThanOrEqual(2)
    for (const [, app] of appServices) expect(app.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' })
    expect(compose.services.postgres?.image).toMatch(/^postgres:1[56]\b/)
    expect(compose.services.redis?.image).toMatch(/^redis:7\b/)
    expect(compose.services.lb?.image).toMatch(/^nginx:/)
    expect(compose.services.lb?.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro')
    expect(compose.services.lb?.ports).toEqual(['${HTTP_PORT:-80}:80'])
  })

  it('points every instance at the same Postgres, Redis and uploads volume, and starts them once those are healthy', () => {
    const [first] = appServices[0]!
    for (const [name, app] of appServices) {
      const env = app.environment ?? {}
      expect(new URL(interpolate(env.DATABASE_URL!)).host, name).toBe('postgres:5432')
      expect(new URL(env.REDIS_URL!).host, name).toBe('redis:6379')
      expect(app.volumes, name).toEqual([`uploads:${env.DATA_DIR}`])
      expect(app.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
      expect(app.env_file, name).toEqual([{ path: '.env', required: true }])
      expect(env, `${name} differs from ${first}`).toEqual(appServices[0]![1].environment)
    }
    // The user and database the app connects as are the ones Postgres creates.
    const url = new URL(interpolate(appServices[0]![1].environment!.DATABASE_URL!))
    expect(url.username).toBe(compose.services.postgres!.environment!.POSTGRES_USER)
    expect(url.pathname).toBe(`/${compose.services.postgres!.environment!.POSTGRES_DB}`)
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres', 'uploads', 'redis']))
  })

  it('sets only variables the app reads', () => {
    const known = variablesTheAppReads()
    // A sanity check of the scan itself, so an empty set cannot pass everything below.
    expect([...known]).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'DATA_DIR', 'TRUST_PROXY_HOPS', 'PUBLIC_URL', 'VAPID_PRIVATE_KEY', 'HOST', 'PORT']))
    const set = appServices.flatMap(([, app]) => Object.keys(app.environment ?? {}))
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    const dockerEnv = [...runtimeStage.matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=\S+\s*\\?$/gm)].map(m => m[1]!)
    expect(dockerEnv).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'DATA_DIR']))
    // .env.example: app variables, and the ones compose.yaml itself interpolates.
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map(m => m[1]!))
    const example = envFileKeys(read('deploy/.env.example'))
    expect(example.set).toEqual(expect.arrayContaining([...interpolated]))
    const unknown = [...set, ...dockerEnv, ...example.all].filter(name => !known.has(name) && !interpolated.has(name))
    expect(unknown).toEqual([])
  })

  it('checks health: Postgres, Redis and the load balancer (through to an instance)', () => {
    for (const name of ['postgres', 'redis', 'lb']) expect(compose.services[name]?.healthcheck?.test.length, name).toBeGreaterThan(1)
    const lbCheck = compose.services.lb!.healthcheck!.test.join(' ')
    const path = lbCheck.match(/http:\/\/127\.0\.0\.1(\/\S*)/)?.[1]
    expect(path && routeFile(path), lbCheck).toBeTruthy()
    expect(compose.services.lb!.depends_on).toEqual(Object.fromEntries(appServices.map(([name]) => [name, { condition: 'service_healthy' }])))
  })
})

describe('deploy/Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map(m => ({ image: m[1]!, name: m[2] }))
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))

  it('builds in one stage and runs only the built .output, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const stage of stages) expect(stage.image).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim$|^node:(?:20|22|24)/)
    expect(dockerfile).toMatch(/^RUN .*npm ci\b/m)
    expect(dockerfile).toMatch(/^RUN .*nuxt build\b/m)
    const copies = [...runtime.matchAll(/^COPY\s+(.+)$/gm)].map(m => m[1]!)
    expect(copies).toEqual(['--from=build /app/.output ./.output'])
    expect(runtime).toMatch(/^USER (?!root\b|0\b)\S+/m)
    expect(runtime).toMatch(/^CMD \["node", "\.output\/server\/index\.mjs"\]/m)
    const port = runtime.match(/\bPORT=(\d+)/)?.[1]
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'))
    expect(nginx).toMatch(new RegExp(`server app-1:${port}\\b`))
  })

  it('has a HEALTHCHECK on a route the server has', () => {
    const check = runtime.match(/^HEALTHCHECK(?:[^\n]*\\\n)*[^\n]*/m)?.[0] ?? ''
    const path = check.match(/'(\/[\w/-]+)'/)?.[1]
    expect(path, check).toBe('/api/health')
    expect(routeFile(path!)).toBe('server/api/health.get.ts')
  })

  it('keeps local builds, dependencies and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'))
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.output', '.nuxt', '.data', '.env', 'deploy/.env', '.git']))
    // What the build needs must not be ignored.
    for (const needed of ['server', 'drizzle', 'shared', 'layers', 'public', 'package-lock.json', 'nuxt.config.ts']) expect(ignored).not.toContain(needed)
  })
})

describe('deploy/nginx.conf', () => {
  const upstream = block(/^upstream\s+\w+$/)

  it('balances over exactly the app services of compose.yaml', () => {
    expect(upstream).toBeTruthy()
    const servers = [...upstream!.body.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map(m => m[1])
    expect(servers.sort()).toEqual(appServices.map(([name]) => name).sort())
    expect(nginx).toMatch(new RegExp(`proxy_pass\\s+http://${upstream!.head.split(/\s+/)[1]};`))
  })

  it('keeps each client on one instance (Socket.IO long-polling) by a cookie it sets', () => {
    const key = upstream!.body.match(/^\s*hash\s+\$(\w+)\s+consistent;/m)?.[1]
    expect(key, 'hash on a routing key').toBeTruthy()
    const keyMap = block(new RegExp(`^map\\s+\\$cookie_\\w+\\s+\\$${key}$`))
    expect(keyMap, `map $cookie_… $${key}`).toBeTruthy()
    const cookie = keyMap!.head.match(/\$cookie_(\w+)/)![1]!
    // A request without the cookie routes by its request id, and its response hands out that id.
    expect(keyMap!.body).toMatch(/default\s+\$request_id;/)
    const setMap = blocks.find(b => b.head.startsWith(`map $cookie_${cookie} `) && b.body.includes(`"${cookie}=$request_id; Path=/;`))
    expect(setMap, `map $cookie_${cookie} handing out "${cookie}=$request_id"`).toBeTruthy()
    // …and only to a request that came without a valid one.
    expect(setMap!.body.match(/^\s*("[^"]*"|\S+)\s+("[^"]*"|\S+);/m)?.slice(1)).toEqual([keyMap!.body.match(/^\s*("[^"]*"|\S+)\s/m)![1], '""'])
    const setVar = setMap!.head.split(/\s+/)[2]!
    expect(block(/^location\s+\/$/)?.body).toMatch(new RegExp(`add_header\\s+Set-Cookie\\s+\\${setVar}\\s+always;`))
  })

  it('passes websocket upgrades and the client address through', () => {
    const location = block(/^location\s+\/$/)!.body
    expect(location).toMatch(/proxy_http_version\s+1\.1;/)
    expect(location).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/)
    const connection = location.match(/proxy_set_header\s+Connection\s+\$(\w+);/)?.[1]
    expect(connection).toBeTruthy()
    expect(block(new RegExp(`^map\\s+\\$http_upgrade\\s+\\$${connection}$`))?.body).toMatch(/default\s+upgrade;/)
    expect(location).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;/)
    expect(location).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;/)
    // One proxy in front of the app: the app believes exactly one X-Forwarded-For hop.
    for (const [, app] of appServices) expect(app.environment?.TRUST_PROXY_HOPS).toBe('1')
    // Socket.IO pings every few seconds, so any read timeout of half a minute or more keeps idle sockets open.
    const timeout = Number(location.match(/proxy_read_timeout\s+(\d+)s;/)?.[1] ?? 60)
    expect(timeout).toBeGreaterThanOrEqual(30)
  })

  it('lets an upload of UPLOAD_MAX_BYTES through', async () => {
    const { DEFAULT_UPLOAD_MAX_BYTES } = await import('../../shared/limits')
    const mb = Number(nginx.match(/client_max_body_size\s+(\d+)m;/)?.[1])
    expect(mb * 1024 * 1024).toBeGreaterThan(DEFAULT_UPLOAD_MAX_BYTES)
  })
})
