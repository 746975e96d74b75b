import { afterNextPaintWhenIdle } from '~/utils/boot/after-next-paint'

/**
 * True once the page has painted a frame after this component mounted and what other components
 * deferred past that frame has rendered: a screen shows what the member came for first.
 */
export function useAfterFirstPaint(): Readonly<Ref<boolean>> {
  const painted = ref(false)
  onMounted(() => afterNextPaintWhenIdle(() => { painted.value = true }))
  return painted
}
