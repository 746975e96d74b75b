import { adminListProjects } from '#layers/admin/server/services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { projects: await adminListProjects(actor) }
})
