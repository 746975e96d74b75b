/**
 * Process-wide singletons, every one built the same way: on first use, kept on globalThis so a
 * module bundled or reloaded twice (Nitro dev, vitest) still shares one client per process.
 */
const registry: Map<string, unknown> = ((globalThis as { __chatSingletons?: Map<string, unknown> }).__chatSingletons ??= new Map())

export interface Lazy<T> {
  /** The value, built on first use. */
  (): T
  /** The value if it was built (or set), without building it. */
  peek: () => T | undefined
  /** Puts a value in place of the built one (the Socket.IO plugin registers its server, tests swap drivers). */
  set: (value: T) => void
  /** Forgets the value and hands it back so the caller can close it; the next use builds a new one. */
  reset: () => T | undefined
}

/** A singleton named `key`, made by `build` on first use. */
export function lazy<T>(key: string, build: () => T): Lazy<T> {
  const get = (() => {
    if (!registry.has(key)) registry.set(key, build())
    return registry.get(key) as T
  }) as Lazy<T>
  get.peek = () => registry.get(key) as T | undefined
  get.set = (value) => { registry.set(key, value) }
  get.reset = () => {
    const value = registry.get(key) as T | undefined
    registry.delete(key)
    return value
  }
  return get
}
