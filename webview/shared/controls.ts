// The panels' controls: @vscode-elements/elements web components, bundled into each panel script
// by esbuild (importing a module defines its custom element). Lit styles them through adopted
// stylesheets, which the page's CSP (webview/html.ts) needs no inline-style exception for.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTable } from '@vscode-elements/elements/dist/vscode-table/vscode-table.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

/** A button; `secondary` for the quieter style, `icon` for a borderless single-glyph button. */
export function button(label: string, onClick: () => void, options: { secondary?: boolean; icon?: boolean; title?: string } = {}): VscodeButton {
  const node = document.createElement('vscode-button');
  node.secondary = options.secondary === true;
  if (options.icon === true) node.classList.add('icon-button');
  if (options.title !== undefined) {
    node.title = options.title;
    node.setAttribute('aria-label', options.title);
  }
  node.append(label);
  node.addEventListener('click', onClick);
  return node;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): VscodeCheckbox {
  const node = document.createElement('vscode-checkbox');
  node.checked = checked;
  node.append(label);
  node.addEventListener('change', () => onChange(node.checked));
  return node;
}

/** A single-select dropdown; `onChange` receives the chosen value. */
export function select(choices: readonly Choice[], selected: string, ariaLabel: string, onChange: (value: string) => void): VscodeSingleSelect {
  const node = document.createElement('vscode-single-select');
  node.setAttribute('aria-label', ariaLabel);
  setChoices(node, choices, selected);
  node.addEventListener('change', () => onChange(node.value));
  return node;
}

/** Replaces a select's options; the `selected` attribute makes the choice hold once the options are slotted. */
export function setChoices(node: VscodeSingleSelect, choices: readonly Choice[], selected: string): void {
  node.replaceChildren(
    ...choices.map((c) => {
      const option = document.createElement('vscode-option');
      option.value = c.value;
      option.selected = c.value === selected;
      if (c.value === selected) option.setAttribute('selected', '');
      option.append(c.label);
      return option;
    }),
  );
  node.value = selected;
}

export function textfield(placeholder: string, ariaLabel: string, size: number): VscodeTextfield {
  const node = document.createElement('vscode-textfield');
  node.placeholder = placeholder;
  node.setAttribute('aria-label', ariaLabel);
  node.style.width = `${size}em`;
  return node;
}

export interface TableColumn {
  readonly key: string;
  readonly title: string;
}

/** An empty table; fill it with setTableRows. */
export function table(ariaLabel: string): VscodeTable {
  const node = document.createElement('vscode-table');
  node.setAttribute('aria-label', ariaLabel);
  node.zebra = true;
  return node;
}

/** Rebuilds a table's header and rows; a row is keyed by column key, missing cells are blank. */
export function setTableRows(node: VscodeTable, columns: readonly TableColumn[], rows: readonly Readonly<Record<string, string>>[]): void {
  const header = document.createElement('vscode-table-header');
  header.slot = 'header';
  header.append(
    ...columns.map((c) => {
      const cell = document.createElement('vscode-table-header-cell');
      cell.textContent = c.title;
      return cell;
    }),
  );
  const body = document.createElement('vscode-table-body');
  body.slot = 'body';
  body.append(
    ...rows.map((row) => {
      const tr = document.createElement('vscode-table-row');
      tr.append(
        ...columns.map((c) => {
          const cell = document.createElement('vscode-table-cell');
          cell.textContent = row[c.key] ?? '';
          return cell;
        }),
      );
      return tr;
    }),
  );
  node.replaceChildren(header, body);
}
