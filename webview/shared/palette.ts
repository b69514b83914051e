// Colours from the VS Code theme: the --vscode-charts-* variables first, then evenly spaced hues
// adjusted to the theme's lightness so many labels stay distinguishable.

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
  const dark = body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast');
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

/** `count` distinct colours: theme chart colours first, then golden-angle hues. */
export function categoricalColours(count: number, dark: boolean): string[] {
  const colours: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i < THEME_CHART_VARIABLES.length) colours.push(cssVariable(THEME_CHART_VARIABLES[i], FALLBACK_CHART_COLOURS[i]));
    else colours.push(hueColour(i, dark));
  }
  return colours;
}

export function hueColour(i: number, dark: boolean): string {
  const hue = (i * 137.508 + 200) % 360;
  return `hsl(${hue.toFixed(1)}, ${dark ? 65 : 70}%, ${dark ? 62 : 42}%)`;
}
