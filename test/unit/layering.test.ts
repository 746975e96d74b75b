import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { likePattern } from '#layers/admin/server/services/admin-conversations'

const root = join(import.meta.dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
    .map(entry => relative(root, join(entry.parentPath, entry.name)))
}

/** Every module a file imports: static imports and re-exports (over several lines too), and dynamic import(). */
const importsOf = (file: string) => [...readFileSync(join(root, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom '([^']+)'|\bimport\('([^']+)'\)/gms)]
  .map(m => (m[1] ?? m[2])!)

describe('server layers point one way', () => {
  it('server/utils, server/db and server/infra never import services', () => {
    const inverted = ['server/utils', 'server/db', 'server/infra'].flatMap(sources)
      .flatMap(file => importsOf(file).filter(spec => /(^|\/)services\//.test(spec)).map(spec => `${file} → ${spec}`))
    expect(inverted).toEqual([])
  })

  it('the member app never imports the admin layer', () => {
    const leaks = ['server'].flatMap(sources)
      .flatMap(file => importsOf(file).filter(spec => spec.includes('layers/admin')).map(spec => `${file} → ${spec}`))
    expect(leaks).toEqual([])
  })
})

describe('the admin layer resolves in tests like in the build', () => {
  it('escapes LIKE wildcards in admin searches', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%')
  })
})
