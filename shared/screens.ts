/** Pages only a signed-out visitor sees: a signed-in member is sent on to the app. */
export const SIGNED_OUT_PATHS: readonly string[] = ['/login', '/signup', '/forgot']
/** A password reset link opens for anyone: a Supabase recovery link has signed the browser in by then. */
export const OPEN_PATHS: readonly string[] = ['/reset']
/** Every page of the sign-in screen (the auth layout): its shell loads none of the chat screen's code. */
export const SIGN_IN_PATHS: readonly string[] = [...SIGNED_OUT_PATHS, ...OPEN_PATHS]
