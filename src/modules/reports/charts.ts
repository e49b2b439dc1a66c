import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import { formatNumber } from '../../shared/i18n/index.ts';
import { FONT_BOLD, FONT_FAMILY, FONT_REGULAR } from './fonts.ts';

/**
 * Charts drawn server-side, no browser: ECharts renders the option to an SVG string (`ssr: true`,
 * `renderToSVGString`) and resvg rasterizes that SVG to PNG with the bundled font. Reusable by
 * any module: build a ChartSpec (Spanish labels already in it) and call `renderChart`.
 */

export type ChartSpec =
  | { type: 'line' | 'bar'; title: string; categories: string[]; series: Array<{ name: string; data: number[] }>; stacked?: boolean }
  | { type: 'pie'; title: string; slices: Array<{ name: string; value: number }> }
  | { type: 'funnel'; title: string; stages: Array<{ name: string; value: number }> };

export interface RenderedChart {
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#f59e0b', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const fmt = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''));

function optionOf(spec: ChartSpec): echarts.EChartsOption {
  const base = {
    animation: false,
    color: PALETTE,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: spec.title, left: 'center', top: 12, textStyle: { fontSize: 20, fontWeight: 'bold' as const } },
  };
  if (spec.type === 'line' || spec.type === 'bar') {
    return {
      ...base,
      legend: { bottom: 8, textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 30, top: 60, bottom: 70 },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { fontSize: 12 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 12, formatter: (v: number) => fmt(v) } },
      series: spec.series.map((s) => ({
        type: spec.type,
        name: s.name,
        data: s.data,
        stack: spec.stacked ? 'total' : undefined,
        showSymbol: spec.categories.length <= 40,
        label: { show: spec.type === 'bar' && spec.categories.length <= 12, position: 'top', formatter: (p: { value: unknown }) => fmt(p.value) },
      })),
    } as echarts.EChartsOption;
  }
  const items = spec.type === 'pie' ? spec.slices : (spec as Extract<ChartSpec, { type: 'funnel' }>).stages;
  return {
    ...base,
    legend: { bottom: 8, textStyle: { fontSize: 14 } },
    series: [
      spec.type === 'pie'
        ? { type: 'pie', radius: ['0%', '62%'], center: ['50%', '52%'], data: items, label: { fontSize: 14, formatter: (p: { name: string; value: number; percent: number }) => `${p.name}: ${fmt(p.value)} (${fmt(Math.round(p.percent * 10) / 10)} %)` } }
        : { type: 'funnel', sort: 'none', left: '15%', width: '70%', top: 60, bottom: 60, minSize: '8%', data: items, label: { fontSize: 14, position: 'inside', formatter: (p: { name: string; value: number }) => `${p.name}: ${fmt(p.value)}` } },
    ],
  } as echarts.EChartsOption;
}

export function renderChartSvg(spec: ChartSpec, size: { width?: number; height?: number } = {}): string {
  const width = size.width ?? 1000;
  const height = size.height ?? 560;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(optionOf(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** SVG (for HTML) and PNG (for PDF and WhatsApp) of one chart. */
export function renderChart(spec: ChartSpec, size: { width?: number; height?: number } = {}): RenderedChart {
  const svg = renderChartSvg(spec, size);
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [FONT_REGULAR, FONT_BOLD], defaultFontFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  return { svg, png: image.asPng(), width: image.width, height: image.height };
}
