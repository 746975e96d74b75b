import sharp from 'sharp'

/** Longest side of a timeline thumbnail, in pixels (twice the 240 px it is shown at, for dense screens). */
export const THUMBNAIL_MAX_SIDE = 480

/**
 * Largest image, in pixels, the server will decode. A small file can declare a huge canvas (an
 * "image bomb"); decoding it would take width × height × 4 bytes, so such uploads are refused
 * from their header before any pixel is decoded.
 */
export const MAX_IMAGE_PIXELS = 40_000_000

/** The stored form of every thumbnail. */
export const THUMBNAIL_MIME_TYPE = 'image/webp'

export interface Thumbnail {
  data: Buffer
  width: number
  height: number
}

// One decode at a time per core is plenty for thumbnails and keeps peak memory predictable.
sharp.concurrency(1)
sharp.cache(false)

/** Whether a declared size is small enough to decode. */
export function isDecodableSize(width: number, height: number): boolean {
  return width > 0 && height > 0 && width * height <= MAX_IMAGE_PIXELS
}

/**
 * A WebP thumbnail of an image file: EXIF orientation applied, no metadata kept (sharp drops EXIF,
 * ICC comments and GPS unless asked to keep them), first frame only for animations. Null when the
 * file cannot be decoded; refuses to decode past MAX_IMAGE_PIXELS.
 */
export async function makeThumbnail(path: string): Promise<Thumbnail | null> {
  try {
    const { data, info } = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78, effort: 3 })
      .toBuffer({ resolveWithObject: true })
    return { data, width: info.width, height: info.height }
  } catch {
    return null
  }
}

/** Side of a stored avatar, in pixels. */
export const AVATAR_SIDE = 256

/** A square WebP avatar cropped to the centre, EXIF orientation applied, no metadata; null when undecodable. */
export async function makeAvatar(path: string): Promise<Buffer | null> {
  try {
    return await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: AVATAR_SIDE, height: AVATAR_SIDE, fit: 'cover' })
      .webp({ quality: 82 })
      .toBuffer()
  } catch {
    return null
  }
}
