// Colours from the VS Code theme: the --vscode-charts-* variables first, then hues placed between
// them, adjusted to the theme's lightness, so many labels stay distinguishable.

const THEME_CHART_VARIABLES = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
];
const FALLBACK_CHART_COLOURS = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];

export function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value.length > 0 ? value : fallback;
}

export interface ChartTheme {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly font: string;
  readonly dark: boolean;
}

export function readChartTheme(): ChartTheme {
  const body = document.body;
  // data-vscode-theme-kind tells high-contrast light (vscode-high-contrast-light) from dark.
  const kind = body.getAttribute('data-vscode-theme-kind') ?? '';
  const dark = kind === 'vscode-dark' || kind === 'vscode-high-contrast' || (kind === '' && body.classList.contains('vscode-dark'));
  const family = cssVariable('--vscode-font-family', 'system-ui, sans-serif');
  return {
    background: cssVariable('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground: cssVariable('--vscode-foreground', dark ? '#cccccc' : '#3b3b3b'),
    muted: cssVariable('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: cssVariable('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    font: `11px ${family}`,
    dark,
  };
}

// Hues chosen to sit between the six theme chart colours (blue, orange, green, red, purple, yellow).
const EXTRA_HUES = [180, 320, 85, 245, 150, 15, 295, 200, 60, 340];

/** `count` distinct colours: the theme's chart colours first, then hues between them. */
export function categoricalColours(count: number, dark: boolean): string[] {
  const colours: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i < THEME_CHART_VARIABLES.length) colours.push(cssVariable(THEME_CHART_VARIABLES[i], FALLBACK_CHART_COLOURS[i]));
    else colours.push(extraColour(i - THEME_CHART_VARIABLES.length, dark));
  }
  return colours;
}

/** The i-th colour after the theme's: each round of hues is lighter or darker than the last. */
export function extraColour(i: number, dark: boolean): string {
  const hue = EXTRA_HUES[i % EXTRA_HUES.length];
  const round = Math.floor(i / EXTRA_HUES.length);
  const shift = round === 0 ? 0 : (round % 2 === 1 ? -1 : 1) * Math.min(24, 12 * Math.ceil(round / 2));
  const lightness = (dark ? 62 : 42) + shift;
  return `hsl(${hue}, ${dark ? 65 : 70}%, ${Math.max(20, Math.min(85, lightness))}%)`;
}

/** `colour` (any CSS colour) at `alpha` times its opacity; a canvas normalises the notation first. */
export function withAlpha(colour: string, alpha: number): string {
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx === null) return colour;
  ctx.fillStyle = colour;
  const normal = ctx.fillStyle; // '#rrggbb', or 'rgba(r, g, b, a)' when translucent
  if (typeof normal !== 'string') return colour;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
  const rgba = /^rgba\((\d+), (\d+), (\d+), ([\d.]+)\)$/.exec(normal);
  return rgba ? `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${Number(rgba[4]) * alpha})` : colour;
}
