// Writes the app's icons under public/icons from one glyph (Lucide "messages-square", the mark the
// sign-in page and header show) on the primary green: the SVG favicon, the PWA's 192/512 PNGs, a
// maskable PNG (glyph inside the 80 % safe zone, background to the edges), Apple's touch icon and a
// monochrome badge for Android's status bar. Run after changing the mark: node scripts/pwa-icons.mjs
import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import lucide from '@iconify-json/lucide/icons.json' with { type: 'json' }
import sharp from 'sharp'

const glyph = lucide.icons['messages-square'].body.replaceAll('currentColor', '#ffffff')
const out = resolve(import.meta.dirname, '..', 'public', 'icons')
const GREEN = '#16a34a'

/** A square icon of `size` units: background shape, then the 24-unit glyph scaled to `glyphShare` of the side, centred. */
function svg({ radius, glyphShare, background = GREEN, glyphBody = glyph }) {
  const size = 512
  const g = size * glyphShare
  const offset = (size - g) / 2
  const scale = g / 24
  const bg = background ? `<rect width="${size}" height="${size}" rx="${radius}" fill="${background}"/>` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}">${bg}<g transform="translate(${offset} ${offset}) scale(${scale})">${glyphBody}</g></svg>\n`
}

const icon = svg({ radius: 112, glyphShare: 0.6 })
const maskable = svg({ radius: 0, glyphShare: 0.5 })
// Badges are drawn by the system from the alpha channel only: white glyph on transparent.
const badge = svg({ radius: 0, glyphShare: 0.8, background: null })

const png = (source, size, name) => sharp(Buffer.from(source), { density: 72 * size / 512 * 4 })
  .resize(size, size).png({ compressionLevel: 9 }).toFile(resolve(out, name))

await mkdir(out, { recursive: true })
await writeFile(resolve(out, 'icon.svg'), icon)
await Promise.all([
  png(icon, 192, 'icon-192.png'),
  png(icon, 512, 'icon-512.png'),
  png(maskable, 512, 'maskable-512.png'),
  png(maskable, 192, 'maskable-192.png'),
  png(maskable, 180, 'apple-touch-icon.png'),
  png(badge, 96, 'badge-96.png')
])
console.log(`icons written to ${out}`)
