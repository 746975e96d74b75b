import { AppError } from '../utils/errors'

/** Unknown API paths answer with the contract's NOT_FOUND instead of falling through to the app shell. */
export default defineApiHandler(async () => {
  throw new AppError('NOT_FOUND', 'no such endpoint')
})
