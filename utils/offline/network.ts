import { ApiError } from '~/composables/useApi'

/** A request that never reached the server (no network, server unreachable): the device's copy may stand in. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'NETWORK'
}
