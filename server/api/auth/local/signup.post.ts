import { signupSchema } from '#shared/schemas'
import { sessionResponse } from '../../../infra/auth/refresh-cookie'
import { signUpLocal } from '../../../services/auth/local-accounts'

export default defineApiHandler(async (event) => {
  const session = await signUpLocal(await readValidatedBody(event, bodyOf(signupSchema)), { ip: requestIp(event), userAgent: getHeader(event, 'user-agent') })
  return sessionResponse(event, session)
})
