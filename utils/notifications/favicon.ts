/**
 * The app's icon and the unread badge drawn over it for the tab's favicon.
 */

/** The app's icon (public/icons/icon.svg, the one the manifest's PNGs are made from). */
export const APP_ICON_URL = '/icons/icon.svg'

/** Side of the drawn favicon in pixels (crisp on 2x screens at 32 css px). */
export const FAVICON_SIZE = 64

/**
 * Draws the icon and, when `badge` is set, a red disc with the count in its top-right corner.
 * `mention` keeps the red; without one the badge is the app's darker green, so a glance tells
 * "someone asked for me" from "there is news".
 */
export function drawFavicon(ctx: CanvasRenderingContext2D, icon: CanvasImageSource, badge: string | null, mention: boolean) {
  const size = FAVICON_SIZE
  ctx.clearRect(0, 0, size, size)
  ctx.drawImage(icon, 0, 0, size, size)
  if (!badge) return
  const radius = size * 0.3
  const cx = size - radius
  const cy = radius
  ctx.beginPath()
  ctx.arc(cx, cy, radius, 0, Math.PI * 2)
  ctx.fillStyle = mention ? '#dc2626' : '#0f5132'
  ctx.fill()
  ctx.lineWidth = size * 0.05
  ctx.strokeStyle = '#ffffff'
  ctx.stroke()
  ctx.fillStyle = '#ffffff'
  ctx.font = `bold ${badge.length > 1 ? size * 0.3 : size * 0.38}px system-ui, sans-serif`
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillText(badge, cx, cy + size * 0.02)
}
