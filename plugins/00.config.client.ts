/**
 * Reads /api/config once per page load (utils/client-config.ts); without an answer the app runs on
 * the last one kept on this device, else local sign-in on the default limits.
 */
export default defineNuxtPlugin({
  name: 'client-config',
  parallel: false,
  async setup() {
    return { provide: { clientConfig: await readClientConfig() } }
  }
})
