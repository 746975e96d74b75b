import type { User } from '#shared/types'

/** The signed-in member's own profile: name, avatar, read receipts and notification choices; the auth store follows every answer. */
export function useProfile() {
  const api = useApi()
  const auth = useAuthStore()
  const conversations = useConversationsStore()

  function apply(user: User) {
    auth.setUser(user)
    // Our own name and avatar also appear in member and participant lists.
    conversations.applyUser({ id: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl })
    return user
  }

  /** Profile and account-wide notification choices (`PATCH /api/me`). */
  async function update(changes: Partial<Pick<User, 'displayName' | 'readReceipts' | 'emailNotifications' | 'notificationPreview' | 'dndUntil'>>): Promise<User> {
    const { user } = await api<{ user: User }>('/api/me', { method: 'PATCH', body: changes })
    return apply(user)
  }

  async function uploadAvatar(file: File): Promise<User> {
    const form = new FormData()
    form.append('file', file)
    const { user } = await api<{ user: User }>('/api/me/avatar', { method: 'POST', body: form })
    return apply(user)
  }

  async function removeAvatar(): Promise<User> {
    const { user } = await api<{ user: User }>('/api/me', { method: 'PATCH', body: { avatarUrl: null } })
    return apply(user)
  }

  return { update, uploadAvatar, removeAvatar }
}
