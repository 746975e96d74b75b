import webpush from 'web-push'
import { storedSecret } from '../../../infra/stored-secret'
import { getPushConfig } from './config'

/** The server's VAPID identity: the key pair push services tie every subscription to, and a contact. */
export interface VapidDetails {
  /** Uncompressed P-256 public key, base64url: the browser's `applicationServerKey`. */
  publicKey: string
  privateKey: string
  subject: string
}

interface KeyPair { publicKey: string, privateKey: string }

/**
 * The VAPID keys: VAPID_PUBLIC_KEY + VAPID_PRIVATE_KEY when given, else a pair generated once and
 * kept in app_settings so every instance signs with it. Changing keys orphans every subscription.
 */
export async function vapidDetails(): Promise<VapidDetails> {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = process.env
  const subject = getPushConfig().subject
  if (publicKey || privateKey) {
    if (!publicKey || !privateKey) throw new Error('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together')
    return { publicKey, privateKey, subject }
  }
  const stored = JSON.parse(await storedSecret('vapid_keys', () => JSON.stringify(webpush.generateVAPIDKeys()))) as KeyPair
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject }
}
