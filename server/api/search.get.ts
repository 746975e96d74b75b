import { searchMessages } from '../services/search'

export default defineApiHandler(async event => searchMessages(await requireActor(event), getQuery(event)))
