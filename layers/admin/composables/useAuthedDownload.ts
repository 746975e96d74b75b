/**
 * Downloads a file from an authenticated route: the API takes a bearer token, which a plain link
 * cannot send, so the response is fetched and handed to the browser as a blob.
 */
export function useAuthedDownload() {
  const auth = useAuthStore()
  const downloading = ref(false)

  async function download(url: string, fallbackName: string) {
    downloading.value = true
    try {
      const res = await fetch(url, { headers: auth.token ? { Authorization: `Bearer ${auth.token}` } : {} })
      if (!res.ok) throw new Error(`download failed (${res.status})`)
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
      const href = URL.createObjectURL(await res.blob())
      const a = document.createElement('a')
      a.href = href
      a.download = name
      a.click()
      setTimeout(() => URL.revokeObjectURL(href), 10_000)
    } finally {
      downloading.value = false
    }
  }

  return { download, downloading }
}
