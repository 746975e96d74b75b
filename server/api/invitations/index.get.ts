import { listMyInvitations } from '../../services/projects/invitations'

/** `{ invitations }`: the caller's pending invitations into projects. */
export default defineApiHandler(async event => ({ invitations: await listMyInvitations(await requireActor(event)) }))
