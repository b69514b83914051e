// The experiments page's spec comparison of three or more runs: one row per spec path whose value
// is not the same in every run, one column per run; a value unlike the first run's is marked.
// (Two runs open in VS Code's diff editor instead.)
import { button } from '../shared/controls';
import { el } from '../shared/dom';
import type { SpecDiffMessage } from './protocol';

export class SpecDiffView {
  private readonly title = el('strong');
  private readonly note = el('span', { className: 'muted' });
  private readonly body = el('div', { className: 'spec-diff-scroll' });
  readonly element: HTMLElement;

  constructor() {
    const close = button('✕', () => (this.element.hidden = true), { icon: true, title: 'Close the spec comparison' });
    this.element = el('section', { className: 'spec-diff', attrs: { 'aria-label': 'Spec differences' } }, [
      el('div', { className: 'spec-diff-bar' }, [this.title, this.note, el('span', { className: 'spacer' }), close]),
      this.body,
    ]);
    this.element.hidden = true;
  }

  show(message: SpecDiffMessage): void {
    this.title.textContent = `Spec differences of ${message.runs.length} runs`;
    this.note.textContent = message.rows.length === 0
      ? 'They trained identical resolved specs.'
      : `${message.rows.length} path${message.rows.length === 1 ? '' : 's'} differ; values unlike the first run's are marked.`;
    const head = el('tr', {}, [el('th', { text: 'path', attrs: { scope: 'col' } }), ...message.runs.map((r) => el('th', { text: r.name, title: r.key, attrs: { scope: 'col' } }))]);
    const rows = message.rows.map((row) => {
      const first = row.values[message.runs[0]!.key];
      return el('tr', {}, [
        el('th', { text: row.path, attrs: { scope: 'row' } }),
        ...message.runs.map((r, i) => {
          const value = row.values[r.key];
          return el('td', { className: `${value === undefined ? 'muted' : ''}${i > 0 && value !== first ? ' differs' : ''}`.trim(), text: value ?? '(not set)' });
        }),
      ]);
    });
    this.body.replaceChildren(el('table', { className: 'spec-diff-table' }, [el('thead', {}, [head]), el('tbody', {}, rows)]));
    this.element.hidden = false;
    this.element.scrollIntoView({ block: 'nearest' });
  }
}
