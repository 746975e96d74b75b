import { checkHealth } from '../services/instance/health'

export default defineEventHandler(async (event) => {
  const health = await checkHealth()
  if (health.status !== 'ok') setResponseStatus(event, 503)
  return health
})
