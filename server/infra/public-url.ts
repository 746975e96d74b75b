import { lazy } from './lazy'

const origin = lazy('public-url', (): string | null => {
  const raw = process.env.PUBLIC_URL?.trim()
  if (!raw) return null
  try {
    const url = new URL(raw)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)')
    // Links append their own path; a trailing path or slash here would double it.
    return url.origin
  } catch {
    throw new Error(`PUBLIC_URL must be an http(s) origin such as https://chat.example.com, got ${raw}`)
  }
})

/** The origin people reach the app at (`PUBLIC_URL`, e.g. `https://chat.example.com`), used in links that leave the app; null when unset. */
export function publicUrl(): string | null {
  return origin()
}

/** `path` (starting with `/`) as a link: absolute on PUBLIC_URL when set, else left relative. */
export function publicLink(path: string): string {
  const base = publicUrl()
  return base ? new URL(path, base).toString() : path
}
