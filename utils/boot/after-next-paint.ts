/**
 * Runs `fn` once the browser has painted the next frame. A requestAnimationFrame callback alone runs
 * before that frame's paint, so whatever it renders is painted with the frame, not after it.
 */
export function afterNextPaint(fn: () => void): void {
  // A hidden page paints nothing (and runs no frame callbacks) until it is shown: do not wait for it.
  if (document.visibilityState === 'hidden') setTimeout(fn)
  else requestAnimationFrame(() => setTimeout(fn))
}

/**
 * Runs `fn` once the browser has painted the next frame and has nothing more urgent to do (what
 * other components deferred past that paint renders first), or after `timeoutMs` at the latest.
 */
export function afterNextPaintWhenIdle(fn: () => void, timeoutMs = 300): void {
  afterNextPaint(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: timeoutMs })
    else setTimeout(fn, 0)
  })
}
