// Small DOM helpers. Text is only ever set with textContent (data comes from files on disk), and
// listeners are attached with addEventListener: the CSP allows no inline handlers.

export function el<K extends keyof HTMLElementTagNameMap>(
    tag: K, className?: string, text?: string|number): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`inspector page lacks #${id}`);
  return node as T;
}

export function clear(node: Element): void { node.replaceChildren(); }

/** A table with a header row; returns the body to append rows to. */
export function table(
    parent: Element, className: string, headings: string[], numericFrom = 1): HTMLTableSectionElement {
  const t = el('table', className);
  const head = t.createTHead().insertRow();
  headings.forEach((h, i) => {
    const th = el('th', i >= numericFrom ? 'num' : undefined, h);
    th.scope = 'col';
    head.appendChild(th);
  });
  const body = t.createTBody();
  parent.appendChild(t);
  return body;
}

export function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = el('td', className, text);
  row.appendChild(td);
  return td;
}

/** A "name: value" pair in a <dl>, grouped in a div so grid layouts keep the pair together. */
export function figure(list: Element, name: string, value: string, className?: string): HTMLElement {
  const pair = el('div', 'figure');
  pair.appendChild(el('dt', undefined, name));
  const dd = el('dd', className, value);
  pair.appendChild(dd);
  list.appendChild(pair);
  return dd;
}

export function emptyNote(parent: Element, text: string): void { parent.appendChild(el('p', 'empty', text)); }

/** Class for a signed delta so growth and shrinkage get colours. */
export function deltaClass(delta: number|null): string {
  if (delta === null || delta === 0) return 'num delta-zero';
  return delta > 0 ? 'num delta-up' : 'num delta-down';
}
