import vm from 'node:vm';

/**
 * Just enough of the DOM to run matrix.html's script in Node: elements with
 * children, text, values, datasets and event listeners. Lets a unit test check
 * what the page resolves without a browser (the browser test checks the real thing).
 */
export class FakeElement {
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  private text = '';
  id = '';
  value = '';
  className = '';
  title = '';
  type = '';
  scope = '';
  hidden = false;
  disabled = false;

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.children.length = 0;
    this.text = value;
  }
  appendChild(child: FakeElement): FakeElement {
    if (child.tagName === '#fragment') this.children.push(...child.children.splice(0));
    else this.children.push(child);
    return child;
  }
  replaceChildren(...nodes: FakeElement[]): void {
    this.children.length = 0;
    this.text = '';
    for (const node of nodes) this.appendChild(node);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }
  focus(): void {}
  /** Fires an event at the element's listeners. */
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ type, preventDefault() {} });
  }
}

/** A page's script run against a fake document; returns the elements by id. */
export function runPage(html: string): { byId: (id: string) => FakeElement; rows: () => { user: string; permission: string; scope: string; via: string }[] } {
  const data = /<script type="application\/json" id="matrix-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (data === undefined || script === undefined) throw new Error('matrix.html has no data or no script');
  const elements = new Map<string, FakeElement>();
  const byId = (id: string): FakeElement => {
    let element = elements.get(id);
    if (!element) {
      element = new FakeElement(id === 'matrix-data' ? 'script' : 'div');
      element.id = id;
      if (id === 'matrix-data') element.textContent = data;
      elements.set(id, element);
    }
    return element;
  };
  const document = {
    getElementById: byId,
    createElement: (tag: string) => new FakeElement(tag),
    createDocumentFragment: () => new FakeElement('#fragment'),
    documentElement: new FakeElement('html'),
  };
  vm.runInNewContext(script, { document, setTimeout, clearTimeout });
  const rows = (): { user: string; permission: string; scope: string; via: string }[] =>
    byId('rows').children.map((row) => ({ user: row.dataset['user']!, permission: row.dataset['permission']!, scope: row.dataset['scope']!, via: row.children[4]!.textContent }));
  return { byId, rows };
}
