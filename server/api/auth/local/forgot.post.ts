import { forgotPasswordSchema } from '#shared/email-schemas'
import { requestPasswordReset } from '../../../services/auth/password-reset'

export default defineApiHandler(async (event) => {
  await requestPasswordReset(await readValidatedBody(event, bodyOf(forgotPasswordSchema)), { ip: requestIp(event) })
  return { ok: true as const }
})
