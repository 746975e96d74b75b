import { checkHealth } from '../services/health'

export default defineEventHandler(async (event) => {
  const health = await checkHealth()
  if (health.status !== 'ok') setResponseStatus(event, 503)
  return health
})
