import { resetPasswordSchema } from '#shared/email-schemas'
import { resetPassword } from '../../../services/auth/password-reset'

export default defineApiHandler(async (event) => {
  await resetPassword(await readValidatedBody(event, bodyOf(resetPasswordSchema)))
  return { ok: true as const }
})
