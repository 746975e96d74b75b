/**
 * In-flight upload requests by upload key, so a chip's remove button can abort its request.
 * Request handles are not state: they live beside the app, like the socket, not in a store.
 */
export default defineNuxtPlugin({
  name: 'upload-requests',
  setup() {
    return { provide: { uploadRequests: new Map<string, XMLHttpRequest>() } }
  }
})
