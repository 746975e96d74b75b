import { mountSuspended } from '@nuxt/test-utils/runtime'
import { UApp } from '#components'
import type { Component } from 'vue'

/** Mounts a component inside <UApp>, which provides Nuxt UI's tooltip, toast and overlay context as app.vue does. */
export function mountInApp(component: Component, props: Record<string, unknown> = {}, options: { route?: string, attachTo?: HTMLElement } = {}) {
  const Host = defineComponent({ setup: () => () => h(UApp, null, { default: () => h(component, props) }) })
  return mountSuspended(Host, options)
}

/** Runs a composable as a component would: inside the app's injection context. */
export function inApp<T>(fn: () => T): T {
  return useNuxtApp().vueApp.runWithContext(fn)
}
