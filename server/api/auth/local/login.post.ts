import { loginSchema } from '#shared/schemas'
import { sessionResponse } from '../../../infra/auth/refresh-cookie'
import { logInLocal } from '../../../services/auth/local-accounts'

export default defineApiHandler(async (event) => {
  const session = await logInLocal(await readValidatedBody(event, bodyOf(loginSchema)), { ip: requestIp(event), userAgent: getHeader(event, 'user-agent') })
  return sessionResponse(event, session)
})
