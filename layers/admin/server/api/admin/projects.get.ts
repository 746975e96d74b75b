import { adminListProjects } from '#layers/admin/server/services/admin-conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { projects: await adminListProjects(actor) }
})
