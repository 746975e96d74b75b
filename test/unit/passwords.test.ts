import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../server/infra/auth/passwords'
import { isUniqueViolation } from '../../server/services/messages/sequence'

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('correct horse!', hash)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
  })

  it('rejects a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false)
  })
})

describe('unique violations', () => {
  it('are recognised directly and when wrapped by the query builder', () => {
    expect(isUniqueViolation({ code: '23505' })).toBe(true)
    expect(isUniqueViolation(new Error('failed query', { cause: { code: '23505' } }))).toBe(true)
    expect(isUniqueViolation(new Error('failed query', { cause: { code: '23503' } }))).toBe(false)
  })
})
