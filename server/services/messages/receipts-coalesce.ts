/**
 * Serialises writes per key and merges the marks that arrive while one runs: a burst of `n` marks
 * for one member and conversation costs at most two writes, the second with the greatest seq.
 * Every caller's promise settles with the write that carried (or superseded) its mark.
 */
export function coalesceMarks<T extends { seq: number }>(write: (input: T) => Promise<void>) {
  const running = new Map<string, Promise<void>>()
  const queued = new Map<string, { input: T, done: Promise<void> }>()

  function start(key: string, input: T): Promise<void> {
    const done: Promise<void> = write(input).finally(() => {
      if (running.get(key) === done) running.delete(key)
    })
    running.set(key, done)
    return done
  }

  return function submit(key: string, input: T): Promise<void> {
    const waiting = queued.get(key)
    if (waiting) {
      if (input.seq > waiting.input.seq) waiting.input = input
      return waiting.done
    }
    const current = running.get(key)
    if (!current) return start(key, input)
    const entry = { input, done: Promise.resolve() }
    entry.done = current.catch(() => {}).then(() => {
      queued.delete(key)
      return start(key, entry.input)
    })
    queued.set(key, entry)
    return entry.done
  }
}
