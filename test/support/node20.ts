// vitest 5 formats failures with Map.groupBy (Node 21+); Node 20 still runs the suite, so supply it.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const map = new Map<K, T[]>()
      let i = 0
      for (const item of items) {
        const k = key(item, i++)
        const group = map.get(k)
        if (group) group.push(item)
        else map.set(k, [item])
      }
      return map
    }
  })
}
