import { measureElement as measureRowElement, observeElementRect, useVirtualizer } from '@tanstack/vue-virtual'
import type { VirtualItem } from '@tanstack/vue-virtual'
import type { ComponentPublicInstance } from 'vue'
import type { ChatMessage } from '~/utils/chat/timeline'

/** What a row shows besides its message, as far as its height is concerned. */
export interface RowShape {
  message: ChatMessage
  grouped: boolean
  day: string | null
  divider: boolean
  summary: boolean
  seenBy: boolean
}

const CHARS_PER_LINE = 80
const LINE_PX = 20
const THUMB_MAX_PX = 320

/**
 * A first guess at a row's height before it is measured, from what it shows. Close guesses keep
 * the scrollbar steady while rows are measured; the real height replaces it once rendered.
 */
export function estimateRowSize(row: RowShape): number {
  const { message } = row
  let px = row.grouped ? 4 : 32
  if (message.type === 'system') px = 36
  else if (message.content && message.type !== 'file') {
    const lines = message.content.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / CHARS_PER_LINE)), 0)
    px += Math.min(lines, 40) * LINE_PX
  }
  for (const attachment of message.attachments) {
    if (!attachment.mimeType.startsWith('image/')) px += 72
    else if (attachment.width && attachment.height) px += Math.min(THUMB_MAX_PX, attachment.height * Math.min(1, THUMB_MAX_PX / attachment.width)) + 8
    else px += THUMB_MAX_PX * 3 / 4 + 8
  }
  if (message.replyToId) px += 40
  if (message.reactions.length) px += 32
  if (row.day) px += 48
  if (row.divider) px += 24
  if (row.summary) px += 36
  if (row.seenBy) px += 28
  return Math.round(px)
}

type Rect = { width: number, height: number }

/**
 * The list's size, as the ResizeObserver reports it after each layout. The library reads it at once
 * as well, mid-render: a forced layout of the whole page (~60 ms of a conversation's first paint).
 * Until the first report, and while the list reads 0 px tall (a hidden panel, a DOM without
 * layout), it assumes a screenful, which renders the rows the first paint needs.
 */
function observeListRect(instance: Parameters<typeof observeElementRect<HTMLElement>>[0], cb: (rect: Rect) => void) {
  const report = (rect: Rect) => cb(rect.height ? rect : { ...rect, height: window.innerHeight })
  const element = instance.scrollElement
  const Observer = instance.targetWindow?.ResizeObserver
  if (!element || !Observer) return observeElementRect(instance, report)
  report({ width: 0, height: 0 })
  const observer = new Observer(() => report({ width: element.clientWidth, height: element.clientHeight }))
  observer.observe(element, { box: 'content-box' })
  return () => observer.disconnect()
}

/** Rows kept rendered beyond each edge of the view: enough for a short conversation to render whole. */
const OVERSCAN_ROWS = 12

/**
 * A chat list that renders only the rows near the view. Anchored to the end: prepended history
 * keeps the reader's row in place, and a reader at the bottom stays there when rows grow.
 */
export function useVirtualRows<T extends RowShape>(
  scroller: Readonly<Ref<HTMLElement | null>>,
  rows: Readonly<Ref<T[]>>,
  options: { endSlackPx: number, paddingPx: number }
) {
  const virtualizer = useVirtualizer(computed(() => {
    const list = rows.value
    return {
      count: list.length,
      getScrollElement: () => scroller.value,
      getItemKey: (index: number) => list[index]?.message.id ?? index,
      estimateSize: (index: number) => list[index] ? estimateRowSize(list[index]) : 60,
      overscan: OVERSCAN_ROWS,
      paddingStart: options.paddingPx,
      paddingEnd: options.paddingPx,
      anchorTo: 'end' as const,
      scrollEndThreshold: options.endSlackPx,
      observeElementRect: observeListRect,
      // A row is measured by the ResizeObserver, which reports it after the browser's own layout.
      // Measured as it mounts (no entry), a row would read offsetHeight mid-render: one forced layout
      // of the whole page per row, ~70 ms of a first conversation's paint. Until then it keeps its
      // last size or its estimate. A row is never 0 px tall when shown: a zero reading is a hidden
      // list, keep the last size too.
      measureElement: (element: Element, entry: ResizeObserverEntry | undefined, instance: Parameters<typeof measureRowElement<Element>>[2]) => {
        const size = entry ? measureRowElement(element, entry, instance) : 0
        if (size > 0) return size
        const index = instance.indexFromElement(element)
        return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index)
      }
    }
  }))

  // The row that was first before older rows came loses its day line and may join a group: it
  // shrinks at its top. Spanning the top of the view, it must move the offset with it, unlike a row
  // that grows at its bottom (a reaction, a thread summary), which the library assumes of every row.
  let reshaped: string | null = null
  watch(() => rows.value[0]?.message.id, (first, previous) => {
    if (!previous || first === previous || !rows.value.some(row => row.message.id === previous)) return
    reshaped = previous
    // Measured on the next frame, if it changed at all; a later change is an ordinary one.
    setTimeout(() => { if (reshaped === previous) reshaped = null }, 1000)
  }, { flush: 'sync' })
  virtualizer.value.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) => {
    const offset = instance.scrollOffset ?? 0
    if (item.key === reshaped) {
      reshaped = null
      return item.start < offset
    }
    // The library's own rule: a first measurement above the top, or a row entirely above it.
    if (!instance.itemSizeCache.has(item.key)) return item.start < offset
    return item.end <= offset && instance.scrollDirection !== 'backward'
  }

  const items = computed<VirtualItem[]>(() => virtualizer.value.getVirtualItems())
  const totalSize = computed(() => virtualizer.value.getTotalSize())

  /** Template ref for each row wrapper (which carries data-index): measured now and on every resize. */
  function measureRow(el: Element | ComponentPublicInstance | null) {
    if (el instanceof Element) virtualizer.value.measureElement(el)
  }

  const indexOf = (messageId: string) => rows.value.findIndex(row => row.message.id === messageId)

  // A scroll command follows its target frame by frame until the element reports it there. A list
  // without a size (hidden, or not laid out) never reports: there is nothing to scroll, so skip it.
  const laidOut = () => !!scroller.value?.clientHeight

  /** Scrolls to the end, and keeps there while the rows at the end are measured. */
  function scrollToEnd(options?: { behavior?: 'auto' | 'smooth' }) {
    if (laidOut()) virtualizer.value.scrollToEnd(options)
  }

  /** Brings a row into view, rendered or not: it lands at its estimated place and settles once measured. */
  function scrollToIndex(index: number, options?: { align?: 'start' | 'center' | 'end' }) {
    if (laidOut()) virtualizer.value.scrollToIndex(index, options)
  }

  return { items, totalSize, measureRow, indexOf, scrollToEnd, scrollToIndex }
}
