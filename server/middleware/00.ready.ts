import { serverReady } from '../services/instance/startup'

/** No request is served before the schema is migrated. */
export default defineEventHandler(async () => {
  await serverReady()
})
