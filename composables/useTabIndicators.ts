import { APP_ICON_URL, FAVICON_SIZE, drawFavicon } from '~/utils/notifications/favicon'
import { faviconBadgeText, unreadTitle } from '~/utils/notifications/unread'

/**
 * Unread messages everywhere the member may glance: the tab title `(3) general · Project Chat`
 * and a badge on the favicon. Called once, from app.vue.
 */
export function useTabIndicators() {
  const auth = useAuthStore()
  const { total } = useUnreadCounts()
  const count = computed(() => auth.signedIn ? total.value.unread : 0)
  const mention = computed(() => auth.signedIn && total.value.mentions > 0)
  const favicon = ref(APP_ICON_URL)

  // The template closes over the count; a new count patches in a new template so the title is rendered again.
  const template = (n: number) => (title?: string) => unreadTitle(title, n)
  const titleEntry = useHead({ titleTemplate: template(count.value) })
  watch(count, n => titleEntry?.patch({ titleTemplate: template(n) }))
  useHead({ link: [{ key: 'favicon', rel: 'icon', href: favicon }] })

  if (import.meta.client) {
    let icon: HTMLImageElement | null = null
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = FAVICON_SIZE

    async function loadIcon(): Promise<HTMLImageElement> {
      if (icon) return icon
      const image = new Image()
      image.src = APP_ICON_URL
      await image.decode()
      return (icon = image)
    }

    watch([count, mention], async ([n, mentioned]) => {
      const badge = faviconBadgeText(n)
      const ctx = canvas.getContext('2d')
      if (!badge || !ctx) {
        favicon.value = APP_ICON_URL
        return
      }
      try {
        drawFavicon(ctx, await loadIcon(), badge, mentioned)
        favicon.value = canvas.toDataURL('image/png')
      } catch {
        // No canvas (or the icon did not decode): the plain icon, the title still counts.
        favicon.value = APP_ICON_URL
      }
    }, { immediate: true })
  }

  return { count }
}
