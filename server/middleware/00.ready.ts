import { databaseReady } from '../db/ready'

/** No request is served before the schema is migrated. */
export default defineEventHandler(async () => {
  await databaseReady()
})
