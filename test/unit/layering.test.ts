import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { likePattern } from '#layers/admin/server/services/conversations/conversations'

const root = join(import.meta.dirname, '..', '..')

/** The surface of the app the admin layer may import (layers/admin/README.md). */
const SURFACE = 'server/admin-surface.ts'
/** drizzle-kit loads the layer's tables without Nuxt's aliases, so they reference the app's tables directly. */
const LAYER_SCHEMA = 'layers/admin/server/db/schema.ts'
const APP_SCHEMA = 'server/db/schema.ts'

function sources(dir: string, pattern = /\.ts$/): string[] {
  if (!existsSync(join(root, dir))) return []
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && pattern.test(entry.name) && !entry.name.endsWith('.test.ts'))
    .map(entry => relative(root, join(entry.parentPath, entry.name)))
}

const withVue = (dir: string) => sources(dir, /\.(ts|vue)$/)

/** The script of a file: a .vue file's <script> blocks, a .ts file whole. */
function scriptOf(file: string): string {
  const text = readFileSync(join(root, file), 'utf8')
  if (!file.endsWith('.vue')) return text
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map(m => m[1]).join('\n')
}

/** Every module a file imports: static imports, re-exports and dynamic import(), as the compiler reads them. */
const importsOf = (file: string) => ts.preProcessFile(scriptOf(file), true, true).importedFiles.map(f => f.fileName)

const ALIASES: [prefix: string, dir: string][] = [
  ['#admin-shared/', 'layers/admin/shared/'],
  ['#layers/admin/', 'layers/admin/'],
  ['#shared/', 'shared/'],
  ['~~/', ''],
  ['~/', '']
]

/** The repository path an import points at (without extension), or null for a package or a Nuxt virtual module. */
function target(file: string, spec: string): string | null {
  if (spec.startsWith('.')) return relative(root, join(root, dirname(file), spec))
  const alias = ALIASES.find(([prefix]) => spec.startsWith(prefix))
  return alias ? join(alias[1], spec.slice(alias[0].length)) : null
}

const withoutExtension = (path: string) => path.replace(/\.(ts|vue)$/, '')

/** `file → spec` for each import of the files whose target matches. */
const importsMatching = (files: string[], bad: (to: string, spec: string, file: string) => boolean) =>
  files.flatMap(file => importsOf(file)
    .filter((spec) => {
      const to = target(file, spec)
      return to !== null && bad(to, spec, file)
    })
    .map(spec => `${file} → ${spec}`))

const MEMBER_APP = ['server', 'shared', 'components', 'pages', 'composables', 'stores', 'utils', 'plugins', 'middleware', 'layouts']

describe('server layers point one way', () => {
  it('server/domain, server/utils, server/db and server/infra never import services', () => {
    const inverted = ['server/domain', 'server/utils', 'server/db', 'server/infra'].flatMap(dir => sources(dir))
      .flatMap(file => importsOf(file).filter(spec => /(^|\/)services\//.test(spec)).map(spec => `${file} → ${spec}`))
    expect(inverted).toEqual([])
  })

  it('services import no route, socket handler, plugin, middleware or layer code', () => {
    const adapters = /^(server|layers\/admin\/server)\/(api|routes|realtime|plugins|middleware)\//
    const rootLeaks = importsMatching(sources('server/services'), to => adapters.test(to) || to.startsWith('layers/'))
    const layerLeaks = importsMatching(sources('layers/admin/server/services'), to => adapters.test(to))
    expect([...rootLeaks, ...layerLeaks]).toEqual([])
  })

  it('the member app never imports the admin layer', () => {
    const leaks = MEMBER_APP.flatMap(withVue)
      .flatMap(file => importsOf(file).filter(spec => spec.includes('layers/admin') || spec.startsWith('#admin-shared') || target(file, spec)?.startsWith('layers/')).map(spec => `${file} → ${spec}`))
    expect(leaks).toEqual([])
  })
})

describe('the admin layer is a mini-app over a small surface of the app', () => {
  it('imports the app only through server/admin-surface.ts (and #shared, its own #admin-shared, packages)', () => {
    const surface = withoutExtension(SURFACE)
    const reaches = importsMatching(withVue('layers/admin'), (to, _spec, file) => {
      if (to.startsWith('layers/admin/')) return false
      if (to.startsWith('shared/') || to === surface) return false
      return !(file === LAYER_SCHEMA && to === withoutExtension(APP_SCHEMA))
    })
    expect(reaches).toEqual([])
  })

  it('the surface re-exports app modules only, one statement per module, sorted by source path', () => {
    const specs = importsOf(SURFACE)
    expect(specs.filter(spec => !spec.startsWith('./'))).toEqual([])
    expect(specs).toEqual([...new Set(specs)].sort())
  })
})

describe('the admin layer resolves in tests like in the build', () => {
  it('escapes LIKE wildcards in admin searches', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%')
  })
})
