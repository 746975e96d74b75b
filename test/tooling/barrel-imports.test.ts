import type { Rolldown } from 'vite'
import { describe, expect, it } from 'vitest'
import { importWalker } from '../../build/barrel-imports'

// A screen's walk decides what its preloaded chunk holds: a package index that only re-exports must
// not hand the screen every component it names, and anything unreadable must keep every edge.

const PKG = '/app/node_modules/ui-kit/dist'
const BARREL = `${PKG}/index.js`

type Modules = Record<string, { code: string, imports: string[], sideEffects?: boolean }>

function graph(modules: Modules): Rolldown.ChunkingContext {
  return {
    getModuleInfo: (id: string) => {
      const m = modules[id]
      return m ? { id, code: m.code, importedIds: m.imports, moduleSideEffects: m.sideEffects ?? false } as unknown as Rolldown.ModuleInfo : null
    }
  }
}

function walkFrom(modules: Modules, root: string): string[] {
  const edges = importWalker(graph(modules))
  const reached = new Set<string>()
  const queue = [root]
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (reached.has(id)) continue
    reached.add(id)
    queue.push(...edges(id))
  }
  return [...reached].sort()
}

const library = {
  [BARREL]: {
    code: [
      '// ui-kit index',
      'import "./shared/arrays.js";',
      'import { Tooltip_default } from "./Tooltip/Tooltip.js";',
      'import { Select_default, useSelect } from "./Select/Select.js";',
      'export { Select_default as Select, Tooltip_default as Tooltip, useSelect };',
      'export { Dialog } from "./Dialog/Dialog.js";'
    ].join('\n'),
    imports: [`${PKG}/shared/arrays.js`, `${PKG}/Tooltip/Tooltip.js`, `${PKG}/Select/Select.js`, `${PKG}/Dialog/Dialog.js`]
  },
  [`${PKG}/shared/arrays.js`]: { code: 'export const first = a => a[0]', imports: [] },
  [`${PKG}/shared/popper.js`]: { code: 'export const place = () => {}', imports: [] },
  [`${PKG}/Tooltip/Tooltip.js`]: { code: 'import { place } from "../shared/popper.js"; export const Tooltip_default = {}', imports: [`${PKG}/shared/popper.js`] },
  [`${PKG}/Select/Select.js`]: { code: 'import { first } from "../shared/arrays.js"; export const Select_default = {}', imports: [`${PKG}/shared/arrays.js`] },
  [`${PKG}/Dialog/Dialog.js`]: { code: 'export const Dialog = {}', imports: [] }
}

describe('what a screen reaches through a package index', () => {
  it('reaches the index and the modules of the names it imports, with their own imports', () => {
    const reached = walkFrom({
      ...library,
      '/app/pages/login.vue': { code: 'import { Tooltip as T } from "ui-kit";\nimport { Dialog } from "ui-kit";', imports: [BARREL] }
    }, '/app/pages/login.vue')
    expect(reached).toEqual(['/app/pages/login.vue', BARREL, `${PKG}/Dialog/Dialog.js`, `${PKG}/Tooltip/Tooltip.js`, `${PKG}/shared/popper.js`].sort())
  })

  it('keeps every edge of the index for a namespace import', () => {
    const reached = walkFrom({ ...library, '/app/a.js': { code: 'import * as kit from "ui-kit"', imports: [BARREL] } }, '/app/a.js')
    expect(reached).toContain(`${PKG}/Select/Select.js`)
    expect(reached).toContain(`${PKG}/Dialog/Dialog.js`)
  })

  it('keeps every edge for a name the index does not say where it comes from', () => {
    const reached = walkFrom({ ...library, '/app/a.js': { code: 'import { Missing } from "ui-kit"', imports: [BARREL] } }, '/app/a.js')
    expect(reached).toContain(`${PKG}/Select/Select.js`)
  })

  it('follows every import of an index that has side effects', () => {
    const reached = walkFrom({ ...library, [BARREL]: { ...library[BARREL], sideEffects: true }, '/app/a.js': { code: 'import { Tooltip } from "ui-kit"', imports: [BARREL] } }, '/app/a.js')
    expect(reached).toContain(`${PKG}/shared/arrays.js`)
    expect(reached).toContain(`${PKG}/Select/Select.js`)
  })

  it('does not follow a module of the same package into its index, as reka-ui groups its components', () => {
    const groups = `${PKG}/namespaced/index.js`
    const reached = walkFrom({
      ...library,
      [groups]: { code: 'import { Select, Tooltip } from "../index.js";\nconst Groups = { Select, Tooltip };\nexport { Groups };', imports: [BARREL] },
      '/app/a.js': { code: 'import { Groups } from "ui-kit/namespaced";\nimport { Dialog } from "ui-kit";', imports: [groups, BARREL] }
    }, '/app/a.js')
    expect(reached).toEqual(['/app/a.js', BARREL, `${PKG}/Dialog/Dialog.js`, groups].sort())
  })

  it('treats an index with code of its own as a module like any other', () => {
    const withCode = { ...library, [BARREL]: { ...library[BARREL], code: `${library[BARREL].code}\nconsole.log('side effect')` } }
    const reached = walkFrom({ ...withCode, '/app/a.js': { code: 'import { Tooltip } from "ui-kit"', imports: [BARREL] } }, '/app/a.js')
    expect(reached).toContain(`${PKG}/Select/Select.js`)
  })
})
