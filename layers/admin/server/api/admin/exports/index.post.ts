import { createExportSchema } from '#shared/export-schemas'
import { createExport } from '#layers/admin/server/services/exports/jobs'

/** Starts a background export of a project (or one conversation); poll GET /api/admin/exports/:id. */
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { export: await createExport(actor, await readValidatedBody(event, bodyOf(createExportSchema))) }
})
