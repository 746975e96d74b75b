import type { Rolldown } from 'vite'

/**
 * A package's index that only re-exports (reka-ui's names every component it has) joins, by its
 * static imports, everything it re-exports. A walk of "what a screen imports" that follows those
 * edges claims every component of the package for the screen, though the screen names three. This
 * follows only the re-exports a module names: `import { TooltipRoot } from 'reka-ui'` reaches the
 * index and TooltipRoot's module, not Select's. Anything it cannot read (a namespace import, a
 * name exported by `export *`, a path it cannot match) falls back to every edge, as before.
 */

type Graph = Rolldown.ChunkingContext

const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm
const STATEMENT = /^\s*(?:import\s*(?:\{[^}]*\}\s*from\s*)?["'][^"']+["']|export\s*\{[^}]*\}(?:\s*from\s*["'][^"']+["'])?|export\s*\*\s*from\s*["'][^"']+["'])\s*;?\s*$/gm
const NAMED_IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g
const OTHER_IMPORT = /import\s+(?:\*\s+as\s+\w+|\w+)[^;'"]*from\s*["']([^"']+)["']/g
const EXPORT_LIST = /export\s*\{([^}]*)\}(?:\s*from\s*["']([^"']+)["'])?/g
const EXPORT_STAR = /export\s*\*\s*from\s*["']([^"']+)["']/g

/** `a, b as c` → [[a, a], [b, c]] (imported or local name, then the name it takes). */
function bindings(list: string): Array<[string, string]> {
  return list.split(',').map(part => part.trim()).filter(Boolean).map((part) => {
    const [from, as] = part.split(/\s+as\s+/)
    return [from!.trim(), (as ?? from!).trim()]
  })
}

/** The barrel's exported names → the ids of the modules they come from; null when it is no barrel. */
function reexports(info: Rolldown.ModuleInfo): { names: Map<string, string>, stars: string[] } | null {
  const code = info.code
  // Its bare imports (`import './x.js'`) are not followed: only an index free of side effects qualifies.
  if (!code || !info.id.includes('/node_modules/') || info.moduleSideEffects === true) return null
  if (code.replace(COMMENTS, '').replace(STATEMENT, '').trim() !== '') return null
  const resolve = (specifier: string) => {
    const path = new URL(specifier, `file://${info.id}`).pathname
    return info.importedIds.find(id => id === path)
  }
  const locals = new Map<string, string>()
  for (const [, list, specifier] of code.matchAll(NAMED_IMPORT)) {
    const source = resolve(specifier!)
    if (!source) return null
    for (const [, local] of bindings(list!)) locals.set(local, source)
  }
  const names = new Map<string, string>()
  for (const [, list, specifier] of code.matchAll(EXPORT_LIST)) {
    const direct = specifier ? resolve(specifier) : undefined
    if (specifier && !direct) return null
    for (const [local, exported] of bindings(list!)) {
      const source = direct ?? locals.get(local)
      if (source) names.set(exported, source)
    }
  }
  const stars = [...code.matchAll(EXPORT_STAR)].map(([, specifier]) => resolve(specifier!))
  // Imports alone (a file that only loads others) re-export nothing: it is no barrel.
  if (stars.some(id => !id) || (!names.size && !stars.length)) return null
  return { names, stars: stars as string[] }
}

/** The package a module id belongs to (`…/node_modules/reka-ui/dist/index.js` → reka-ui), or null. */
function packageOf(id: string): string | null {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)
  return match ? match[1]! : null
}

type Barrel = NonNullable<ReturnType<typeof reexports>>

/** The modules of the names `code` imports from package `pkg`'s barrel; null when that cannot be told from the code. */
function namedSources(code: string, pkg: string, barrel: Barrel): string[] | null {
  if ([...code.matchAll(OTHER_IMPORT)].some(([, specifier]) => specifier === pkg)) return null
  const named = [...code.matchAll(NAMED_IMPORT)].filter(([, , specifier]) => specifier === pkg)
  const sources = named.flatMap(([, list]) => bindings(list!).map(([name]) => barrel.names.get(name)))
  if (!named.length || sources.some(source => !source)) return null
  return [...new Set(sources as string[]), ...barrel.stars]
}

/**
 * The edges of a walk of what a screen imports: a module's static imports. A module of another
 * package importing a barrel by the package's name reaches the barrel and the modules of the names
 * it imports, and one importing it otherwise all it re-exports; a module of the same package
 * reaches the barrel alone. The barrel adds nothing itself.
 */
export function importWalker(graph: Graph): (id: string) => string[] {
  const barrels = new Map<string, Barrel | null>()
  const barrelOf = (id: string) => {
    let barrel = barrels.get(id)
    if (barrel === undefined) {
      const info = graph.getModuleInfo(id)
      barrels.set(id, barrel = info ? reexports(info) : null)
    }
    return barrel
  }
  return (id) => {
    const info = graph.getModuleInfo(id)
    if (!info || barrelOf(id)) return []
    const needed: string[] = []
    for (const imported of info.importedIds) {
      needed.push(imported)
      const barrel = barrelOf(imported)
      if (!barrel) continue
      const pkg = packageOf(imported)
      // The package's own modules that import its index (reka-ui's namespaced groups import every
      // component, then the bundle keeps the groups used) would claim all of it: what a screen uses
      // of the package is reached through the names its modules import, from the index or a group.
      if (pkg && packageOf(id) === pkg) continue
      const sources = pkg ? namedSources(info.code ?? '', pkg, barrel) : null
      needed.push(...sources ?? graph.getModuleInfo(imported)!.importedIds)
    }
    return needed
  }
}
