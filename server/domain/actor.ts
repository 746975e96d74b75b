// Its own module below services and infra alike: infra/auth resolves an Actor, services receive one,
// and neither has to import the other for the type.

/** The authenticated caller every service receives explicitly. */
export interface Actor {
  id: string
  email: string
  displayName: string
  role: 'member' | 'admin'
  avatarUrl: string | null
  tokenExp: number
  /** The session the access token belongs to (local mode; Supabase's own id otherwise). */
  sessionId?: string | null
}
