import { adminUsersQuerySchema } from '#admin-shared/admin-schemas'
import { adminSearchUsers } from '#layers/admin/server/services/people/search'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { users: await adminSearchUsers(actor, await getValidatedQuery(event, adminUsersQuerySchema.parse)) }
})
