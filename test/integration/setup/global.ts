import type { TestProject } from 'vitest/node'
import { ensureBuilt, startInstance, SUITE_AUTH_LIMITS } from '../../support/instance.mjs'

/** Builds once, then runs one server on embedded defaults (PGlite, memory adapter) for the suite. */
export default async function setup(project: TestProject) {
  ensureBuilt()
  const server = await startInstance({ env: SUITE_AUTH_LIMITS })
  project.provide('servers', [server.url])
  return async () => {
    await server.stop()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: string[]
  }
}
