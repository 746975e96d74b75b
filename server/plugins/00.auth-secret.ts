import { assertLocalSecretPolicy } from '../infra/auth/secret-policy'

/** Checked before anything listens: a server that would sign guessable tokens must not start. */
export default defineNitroPlugin(() => {
  try {
    assertLocalSecretPolicy()
  } catch (error) {
    console.error(`[auth] ${(error as Error).message}`)
    process.exit(1)
  }
})
