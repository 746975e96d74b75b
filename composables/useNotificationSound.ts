/** At most one chime in this window: a burst of messages rings once. */
const QUIET_AFTER_CHIME_MS = 1_500

let context: AudioContext | null = null
let lastChimeAt = 0

/**
 * A short two-note chime made with the Web Audio API (no sound file to ship): two soft sine
 * tones a fifth apart, each fading out. Browsers only let audio start after the member has
 * interacted with the page; until then `play` quietly does nothing.
 */
export function useNotificationSound() {
  const supported = canPlay()

  /** A chime for a notification; one per burst. */
  function play(now = Date.now()) {
    if (!canPlay() || now - lastChimeAt < QUIET_AFTER_CHIME_MS) return
    lastChimeAt = now
    chime()
  }

  function chime() {
    if (!canPlay()) return
    try {
      context ??= new AudioContext()
      const ctx = context
      if (ctx.state === 'suspended') void ctx.resume().catch(() => {})
      const start = ctx.currentTime + 0.01
      tone(ctx, 880, start, 0.18)
      tone(ctx, 1318.5, start + 0.12, 0.28)
    } catch {
      // No audio device, or autoplay refused: a chime is not worth an error.
    }
  }

  /** `preview` rings at once: the member who just turned the sound on hears what they chose. */
  return { supported, play, preview: chime }
}

function canPlay() {
  return import.meta.client && typeof window.AudioContext === 'function'
}

function tone(ctx: AudioContext, frequency: number, at: number, seconds: number) {
  const oscillator = ctx.createOscillator()
  const gain = ctx.createGain()
  oscillator.type = 'sine'
  oscillator.frequency.value = frequency
  gain.gain.setValueAtTime(0.0001, at)
  gain.gain.exponentialRampToValueAtTime(0.18, at + 0.015)
  gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds)
  oscillator.connect(gain).connect(ctx.destination)
  oscillator.start(at)
  oscillator.stop(at + seconds + 0.02)
}
