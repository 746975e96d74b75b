import { randomUUID } from 'node:crypto'
import { AuthClient } from '@supabase/auth-js'
import { describe, expect, inject, it } from 'vitest'

/**
 * "Forgot password?" in Supabase mode goes through Supabase Auth's recovery flow, as the browser
 * does it (plugins/00.auth-backend.client.ts): resetPasswordForEmail with a PKCE challenge, the
 * mailed /verify link redirecting to /reset?code=, the code exchanged for a session, updateUser.
 * The stand-in keeps the links it would mail; with real GoTrue reading them needs a mail catcher.
 */
const env = inject('supabase')
const PASSWORD = 'correct-horse-9'
const NEW_PASSWORD = 'battery-staple-10'
const APP_RESET = 'http://app.test/reset'

/**
 * The auth part of a browser's Supabase client: PKCE, its verifier kept in (in-memory) storage.
 * (@supabase/auth-js directly: supabase-js also opens Realtime, which needs Node 22's WebSocket.)
 */
function browserClient() {
  const store = new Map<string, string>()
  return {
    auth: new AuthClient({
      url: `${env.supabaseUrl}/auth/v1`,
      headers: { apikey: env.anonKey, Authorization: `Bearer ${env.anonKey}` },
      flowType: 'pkce', autoRefreshToken: false, detectSessionInUrl: false, persistSession: true,
      storage: { getItem: k => store.get(k) ?? null, setItem: (k, v) => { store.set(k, v) }, removeItem: (k) => { store.delete(k) } }
    })
  }
}

async function outbox(email: string): Promise<{ to: string, type: string, link: string }[]> {
  const res = await fetch(`${env.supabaseUrl}/auth/v1/__stub/outbox?email=${encodeURIComponent(email)}`, { headers: { apikey: env.anonKey } })
  return (await res.json() as { messages: { to: string, type: string, link: string }[] }).messages
}

const meStatus = async (token: string) => (await fetch(`${env.serverUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status

describe('password recovery in Supabase mode', () => {
  it.skipIf(env.authMode !== 'stub')('mails a recovery link that signs the browser in once, and updateUser sets the new password', async () => {
    const email = `rosa-${randomUUID().slice(0, 8)}@example.test`
    const client = browserClient()
    expect((await client.auth.signUp({ email, password: PASSWORD, options: { data: { display_name: 'Rosa' } } })).error).toBeNull()
    await client.auth.signOut()

    expect((await client.auth.resetPasswordForEmail(email, { redirectTo: APP_RESET })).error).toBeNull()
    const unknown = `nobody-${randomUUID().slice(0, 8)}@example.test`
    // (Another browser: each request replaces the PKCE verifier the asking browser keeps.)
    expect((await browserClient().auth.resetPasswordForEmail(unknown, { redirectTo: APP_RESET })).error).toBeNull()
    expect(await outbox(unknown)).toEqual([])
    const [mail] = await outbox(email)
    expect(mail).toMatchObject({ to: email, type: 'recovery' })

    // The link needs no apikey (people open it from their mail) and lands on the app's /reset with a code.
    const opened = await fetch(mail!.link, { redirect: 'manual' })
    expect(opened.status).toBe(303)
    const landing = new URL(opened.headers.get('location')!)
    expect(`${landing.origin}${landing.pathname}`).toBe(APP_RESET)
    const code = landing.searchParams.get('code')!

    const events: string[] = []
    client.auth.onAuthStateChange((event) => { events.push(event) })
    const exchanged = await client.auth.exchangeCodeForSession(code)
    expect(exchanged.error).toBeNull()
    expect(events).toContain('PASSWORD_RECOVERY')
    expect(await meStatus(exchanged.data.session!.access_token)).toBe(200)
    expect((await client.auth.updateUser({ password: NEW_PASSWORD })).error).toBeNull()

    const fresh = browserClient()
    expect((await fresh.auth.signInWithPassword({ email, password: PASSWORD })).error).not.toBeNull()
    const signedIn = await fresh.auth.signInWithPassword({ email, password: NEW_PASSWORD })
    expect(signedIn.error).toBeNull()
    expect(await meStatus(signedIn.data.session!.access_token)).toBe(200)

    // The link and the code each work once.
    const again = await fetch(mail!.link, { redirect: 'manual' })
    expect(again.headers.get('location')).toContain('error_code=otp_expired')
    expect((await browserClient().auth.exchangeCodeForSession(code)).error).not.toBeNull()
  })

  it('a code is refused without the verifier of the browser that asked for it', async () => {
    const email = `otto-${randomUUID().slice(0, 8)}@example.test`
    const asker = browserClient()
    expect((await asker.auth.signUp({ email, password: PASSWORD })).error).toBeNull()
    await asker.auth.signOut()
    expect((await asker.auth.resetPasswordForEmail(email, { redirectTo: APP_RESET })).error).toBeNull()
    if (env.authMode !== 'stub') return
    const [mail] = await outbox(email)
    const code = new URL((await fetch(mail!.link, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!
    // Another browser (an attacker who saw the link) has no verifier for this flow.
    const other = browserClient()
    await other.auth.resetPasswordForEmail(`x-${randomUUID().slice(0, 8)}@example.test`, { redirectTo: APP_RESET })
    expect((await other.auth.exchangeCodeForSession(code)).error).not.toBeNull()
  })

  it('the local reset routes answer NOT_FOUND: Supabase Auth owns passwords', async () => {
    for (const [path, body] of [['/api/auth/local/forgot', { email: 'a@example.test' }], ['/api/auth/local/reset', { token: 'x', password: 'long-enough-1' }]] as const) {
      const res = await fetch(env.serverUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(404)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('NOT_FOUND')
    }
  })
})
