import { z } from 'zod'

// The page CSP forbids eval: without this zod probes `new Function` on its first parse, and the
// browser reports that (caught) attempt as a CSP violation. Set at import, before any plugin runs.
z.config({ jitless: true })

export default defineNuxtPlugin(() => {})
