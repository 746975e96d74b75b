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
  if (stars.some(id => !id)) return null
  return { names, stars: stars as string[] }
}

/** The bare package a module id belongs to and is the main entry of (`…/node_modules/reka-ui/dist/index.js` → reka-ui). */
function packageOf(id: string): string | null {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)
  return match ? match[1]! : null
}

/**
 * The edges of a walk of what a screen imports: a module's static imports, except that importing a
 * barrel reaches the barrel and the modules of the names imported from it, and the barrel itself
 * adds nothing more (reached only through a namespace import, it adds everything it re-exports).
 */
export function importWalker(graph: Graph): (id: string) => string[] {
  const barrels = new Map<string, ReturnType<typeof reexports>>()
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
    const code = info.code ?? ''
    const needed: string[] = []
    for (const imported of info.importedIds) {
      const pkg = packageOf(imported)
      const barrel = pkg && packageOf(id) !== pkg ? barrelOf(imported) : null
      needed.push(imported)
      if (!barrel) continue
      const named = [...code.matchAll(NAMED_IMPORT)].filter(([, , specifier]) => specifier === pkg)
      const other = [...code.matchAll(OTHER_IMPORT)].some(([, specifier]) => specifier === pkg)
      const sources = named.flatMap(([, list]) => bindings(list!).map(([name]) => barrel.names.get(name)))
      if (other || !named.length || sources.some(source => !source)) needed.push(...graph.getModuleInfo(imported)!.importedIds)
      else needed.push(...new Set(sources as string[]), ...barrel.stars)
    }
    return needed
  }
}
