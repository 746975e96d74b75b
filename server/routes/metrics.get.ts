import { useMetrics } from '../infra/metrics'

export default defineEventHandler(async (event) => {
  const { registry } = useMetrics()
  setResponseHeader(event, 'content-type', registry.contentType)
  return registry.metrics()
})
