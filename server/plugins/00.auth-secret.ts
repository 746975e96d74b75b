import { assertLocalSecretPolicy } from '../infra/auth/secret-policy'
import { logger } from '../infra/logger'

/** Checked before anything listens: a server that would sign guessable tokens must not start. */
export default defineNitroPlugin(() => {
  try {
    assertLocalSecretPolicy()
  } catch (error) {
    logger.fatal({ err: error }, 'refusing to start: the auth secret fails the policy')
    process.exit(1)
  }
})
