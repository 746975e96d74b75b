import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, HeatmapChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'

/**
 * Registers only the ECharts parts the analytics charts use (tree-shaken), in the browser only:
 * the canvas renderer needs no eval or inline script, so the strict CSP holds.
 */
export default defineNuxtPlugin(() => {
  use([CanvasRenderer, BarChart, HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent])
})
