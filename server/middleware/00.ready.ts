import { serverReady } from '../services/startup'

/** No request is served before the schema is migrated. */
export default defineEventHandler(async () => {
  await serverReady()
})
