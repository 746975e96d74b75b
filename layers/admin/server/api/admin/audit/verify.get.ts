import { verifyAuditChain } from '#layers/admin/server/services/audit/chain'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return await verifyAuditChain(actor)
})
