const MIN_LENGTH = 32
const MIN_ENTROPY_BITS = 100
// Placeholders from docs, tutorials and .env examples; a real secret is random and never reads like these.
const PLACEHOLDER = /secret|passw(or)?d|change[-_ ]?me|example|default|placeholder|your[-_ ]|jwt[-_]?token|qwerty|letmein/i

/** Bits of entropy estimated from the string's own character frequencies (an upper bound for patterned text). */
function entropyBits(value: string): number {
  const counts = new Map<string, number>()
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let perChar = 0
  for (const n of counts.values()) {
    const p = n / value.length
    perChar -= p * Math.log2(p)
  }
  return perChar * value.length
}

/** The longest run of characters whose codes climb or fall by one (abcdef, 654321). */
function longestSequentialRun(value: string): number {
  let best = 1
  let run = 1
  let step = 0
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1)
    if ((d === 1 || d === -1) && (run === 1 || d === step)) {
      run++
      step = d
    } else {
      run = d === 1 || d === -1 ? 2 : 1
      step = d
    }
    best = Math.max(best, run)
  }
  return best
}

/** Why a signing secret is too weak to sign production tokens, or null when it is fine. */
export function weakSecretReason(secret: string): string | null {
  if (secret.length < MIN_LENGTH) return `it is ${secret.length} characters long; use at least ${MIN_LENGTH}`
  if (PLACEHOLDER.test(secret)) return 'it looks like a placeholder value'
  if (longestSequentialRun(secret) >= 6) return 'it contains a keyboard or alphabet sequence'
  const bits = entropyBits(secret)
  if (bits < MIN_ENTROPY_BITS) return `it has too little entropy (~${Math.round(bits)} bits; want ${MIN_ENTROPY_BITS}+)`
  return null
}

/**
 * Refuses a weak LOCAL_JWT_SECRET in production: anyone who guesses it can sign tokens for any user,
 * admins included. Unset is fine: a random secret is generated and kept in the database.
 */
export function assertLocalSecretPolicy(env: NodeJS.ProcessEnv = process.env): void {
  const secret = env.LOCAL_JWT_SECRET
  if (env.NODE_ENV !== 'production' || !secret) return
  const reason = weakSecretReason(secret)
  if (reason) {
    throw new Error(`LOCAL_JWT_SECRET is too weak for production: ${reason}. Generate one with \`openssl rand -base64 48\`, or unset it to use a generated secret stored in the database.`)
  }
}
