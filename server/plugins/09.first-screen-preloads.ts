import { SIGN_IN_PATHS } from '#shared/screens'

/** The chat screen's chunks (nuxt.config.ts names their files after their groups). */
const CHAT_SCREEN_CHUNKS = ['vendor', 'chat']

/**
 * The shell names every first screen's chunks for preloading. A sign-in page needs none of the chat
 * screen's: on a phone network their ~120 KB shared the line with the entry and held the form back
 * (~0.2 s on Fast 4G). They load when the member signs in, as the router opens the conversation.
 */
export default defineNitroPlugin((nitroApp) => {
  const assets = useRuntimeConfig().app.buildAssetsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const chatScreenLink = new RegExp(`<link\\b[^>]*\\bhref="${assets}(?:${CHAT_SCREEN_CHUNKS.join('|')})\\.[^"]*"[^>]*>`, 'g')
  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const path = event.path.split('?')[0] ?? ''
    if (!SIGN_IN_PATHS.includes(path)) return
    html.head = html.head.map(part => part.replace(chatScreenLink, ''))
  })
})
