import { signUpLocal } from '../../../services/users'

export default defineApiHandler(async event => signUpLocal(await readJson(event)))
