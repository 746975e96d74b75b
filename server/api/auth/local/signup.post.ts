import { sessionResponse } from '../../../infra/auth/refresh-cookie'
import { signUpLocal } from '../../../services/users'

export default defineApiHandler(async (event) => {
  const session = await signUpLocal(await readJson(event), { ip: requestIp(event), userAgent: getHeader(event, 'user-agent') })
  return sessionResponse(event, session)
})
