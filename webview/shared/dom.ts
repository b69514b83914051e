// Small DOM helpers: build elements without innerHTML (so no markup injection from run names,
// labels or ids), and react to VS Code theme switches.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; attrs?: Readonly<Record<string, string>> } = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Calls `callback` when VS Code switches theme (it changes the body's classes). */
export function onThemeChange(callback: () => void): void {
  new MutationObserver(callback).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

export function mount(...children: Node[]): HTMLElement {
  const app = document.getElementById('app');
  if (app === null) throw new Error('The panel page has no #app element; it must be served by panelHtml (webview/html.ts).');
  app.replaceChildren(...children);
  return app;
}
