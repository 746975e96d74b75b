/**
 * Downloads a file from an authenticated route: fetched with the bearer token (renewed once when
 * it has expired), then saved through a temporary link so the browser shows its usual download.
 */
export function useFileDownload() {
  const auth = useAuthStore()
  const downloading = ref(false)

  async function fetchWithToken(url: string, token: string | null) {
    return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  }

  async function download(url: string, fallbackName = 'export'): Promise<string> {
    downloading.value = true
    try {
      let res = await fetchWithToken(url, auth.token)
      if (res.status === 401) {
        const fresh = await renewSession()
        if (fresh) res = await fetchWithToken(url, fresh)
      }
      if (!res.ok) {
        const body = await res.json().catch(() => null) as { error?: { code: ApiError['code'], message: string } } | null
        throw new ApiError(body?.error?.code ?? 'INTERNAL', body?.error?.message ?? `Download failed (${res.status})`, res.status)
      }
      const name = fileNameFromDisposition(res.headers.get('content-disposition'), fallbackName)
      const blob = await res.blob()
      const href = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = href
      link.download = name
      link.rel = 'noopener'
      document.body.appendChild(link)
      link.click()
      link.remove()
      // Let the browser start the download before the blob goes.
      setTimeout(() => URL.revokeObjectURL(href), 60_000)
      return name
    } finally {
      downloading.value = false
    }
  }

  return { download, downloading: readonly(downloading) }
}
