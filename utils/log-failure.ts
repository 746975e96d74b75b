/**
 * For background work whose failure the member need not hear about (a refresh the next event
 * repeats): the failure is logged, never swallowed. `.catch(logFailure('reloading invitations'))`
 */
export function logFailure(what: string) {
  return (error: unknown) => console.warn(`[chat] ${what} failed:`, describeError(error), error)
}
