import { listProjects } from '../../services/projects/projects'

export default defineApiHandler(async event => ({ projects: await listProjects(await requireActor(event)) }))
