import { logInLocal } from '../../../services/users'

export default defineApiHandler(async event => logInLocal(await readJson(event)))
