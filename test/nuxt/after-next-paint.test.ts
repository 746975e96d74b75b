import { afterEach, describe, expect, it, vi } from 'vitest'
import { afterNextPaint } from '~/utils/boot/after-next-paint'

describe('afterNextPaint', () => {
  afterEach(() => vi.restoreAllMocks())

  it('runs after the next frame, not inside its callbacks (which run before that frame paints)', async () => {
    let frame: FrameRequestCallback | undefined
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => {
      frame = cb
      return 1
    })
    const fn = vi.fn()
    afterNextPaint(fn)
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(fn).not.toHaveBeenCalled()
    frame!(performance.now())
    expect(fn).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(fn).toHaveBeenCalledOnce())
  })

  it('does not wait for a frame on a hidden page, which paints none', async () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    const frame = vi.spyOn(window, 'requestAnimationFrame')
    const fn = vi.fn()
    afterNextPaint(fn)
    await vi.waitFor(() => expect(fn).toHaveBeenCalledOnce())
    expect(frame).not.toHaveBeenCalled()
  })
})
