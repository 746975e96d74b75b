// Password reset by email and the one-click unsubscribe of missed-activity emails.
import { z } from 'zod'
import { signupSchema } from './schemas'

/** How long a password reset link works at most (AUTH_RESET_TTL_SECONDS may shorten it). */
export const PASSWORD_RESET_TTL_MINUTES = 30

/** `POST /api/auth/local/forgot`: the answer is `{ ok: true }` whether or not the address is known. */
export const forgotPasswordSchema = z.object({
  email: z.email().transform(v => v.toLowerCase())
})

/** `POST /api/auth/local/reset`: the token from the emailed link and a password under the sign-up policy. */
export const resetPasswordSchema = z.object({
  token: z.string().trim().min(1, 'the reset link is incomplete').max(200),
  password: signupSchema.shape.password
})

/** The reset page's form: the new password typed twice (the token comes from the link). */
export const newPasswordFormSchema = z.object({
  password: signupSchema.shape.password,
  confirm: z.string()
}).refine(f => f.password === f.confirm, { path: ['confirm'], message: 'the passwords do not match' })

/** `GET|POST /api/email/unsubscribe?token=`: a signed one-click unsubscribe token. */
export const unsubscribeQuerySchema = z.object({
  token: z.string().min(1).max(300)
})

export type ForgotPasswordInput = z.output<typeof forgotPasswordSchema>
export type ResetPasswordInput = z.output<typeof resetPasswordSchema>
