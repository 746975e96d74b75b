import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { UPLOAD_TYPES } from '#shared/upload-schemas'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const quoted = (text: string) => [...text.matchAll(/["']([a-z]+\/[\w.+-]+)["']/g)].map(m => m[1]).sort()

describe('the bucket accepts exactly the types the app accepts', () => {
  const app = Object.keys(UPLOAD_TYPES).sort()

  it('in supabase/config.toml', () => {
    const toml = read('supabase/config.toml')
    const list = toml.slice(toml.indexOf('allowed_mime_types'), toml.indexOf(']', toml.indexOf('allowed_mime_types')))
    expect(quoted(list)).toEqual(app)
  })

  it('in the storage bucket SQL', () => {
    const sql = read('supabase/sql/20_storage.sql')
    const list = sql.slice(sql.indexOf('array['), sql.indexOf('])', sql.indexOf('array[')))
    expect(quoted(list)).toEqual(app)
  })
})
