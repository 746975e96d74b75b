import type { AnalyticsDayCount, AnalyticsSummary } from '#admin-shared/analytics-schemas'
import { WEEKDAYS, heatmapCells } from './analytics-format'

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))

/** Messages per day as bars; the category is the `YYYY-MM-DD` day a click drills into. */
export function byDayOption(days: AnalyticsDayCount[], color: string) {
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'category', data: days.map(d => d.day) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'Messages', data: days.map(d => d.count), itemStyle: { color } }]
  }
}

/** Weekday × hour (UTC); each cell's value is [hour, weekday index, count]. */
export function heatmapOption(s: AnalyticsSummary, colors: [string, string]) {
  const cells = heatmapCells(s.heatmap)
  const max = Math.max(1, ...cells.map(c => c[2]))
  return {
    backgroundColor: 'transparent',
    tooltip: { position: 'top' },
    grid: { left: 48, right: 16, top: 8, bottom: 64 },
    xAxis: { type: 'category', data: HOURS, splitArea: { show: true } },
    yAxis: { type: 'category', data: [...WEEKDAYS], inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: colors } },
    series: [{ type: 'heatmap', name: 'Messages', data: cells, label: { show: false } }]
  }
}

/** A horizontal bar chart of a top list, busiest at the top. */
export function topOption(rows: { label: string, count: number }[], color: string) {
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 120, right: 16, top: 8, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rows.map(r => r.label), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [{ type: 'bar', name: 'Messages', data: rows.map(r => r.count), itemStyle: { color } }]
  }
}
