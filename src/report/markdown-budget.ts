/**
 * Markdown that must stay under a size budget (a pull-request comment, a
 * drift report): sections filled greedily with whole items, and the text
 * helpers that keep quoted input from breaking out of a code span, a table
 * cell or a `<summary>`. Shared by the diff's PR comment and drift's md.
 */

/** One part of a budgeted document: a heading, items added while they fit, a closing line. */
export interface BudgetSection {
  /** The noun counted in the footer (`user`, `role`). */
  readonly name: string;
  readonly total: number;
  readonly open: string;
  readonly close: (shown: number) => string;
  readonly items: () => Iterable<string>;
  /** Share of the budget kept free for this section while earlier ones fill (it gets at most its real size). */
  readonly floor: number;
  /** Share of the budget this section may use at most. */
  readonly cap: number;
}

/** How many items of a section made it in. */
export interface ShownCount {
  readonly name: string;
  readonly shown: number;
  readonly total: number;
}

/**
 * `head`, then the sections, then `footer(shown)`, in at most `budget`
 * characters. The budget is filled greedily section by section: every item
 * is complete in itself (its tags and code fences closed), an item that does
 * not fit ends its section, and the footer (sized for the worst case first)
 * says what was cut. Items are rendered one at a time and dropped once the
 * budget is spent, so a large input never builds more than the document.
 */
export function fillBudget(head: string, sections: readonly BudgetSection[], footer: (shown: readonly ShownCount[]) => string, budget: number): string {
  const worstFooter = footer(sections.map((s) => ({ name: s.name, shown: s.total - 1, total: s.total })));
  let used = head.length;
  const available = budget - worstFooter.length - 1;
  const reserve = sections.map((s) => measure(s, Math.floor(s.floor * budget)));
  const parts: string[] = [head];
  const shownCounts: ShownCount[] = [];
  sections.forEach((section, i) => {
    if (section.total === 0) return;
    let reservedLater = 0;
    for (let j = i + 1; j < sections.length; j++) reservedLater += reserve[j]!;
    const limit = Math.min(available - reservedLater, used + Math.floor(section.cap * budget));
    const closeMax = section.close(0).length;
    let shown = 0;
    const taken: string[] = [];
    let size = section.open.length + closeMax;
    if (used + size <= limit) {
      for (const item of section.items()) {
        if (used + size + item.length > limit) break;
        taken.push(item);
        size += item.length;
        shown++;
      }
    }
    shownCounts.push({ name: section.name, shown, total: section.total });
    if (shown === 0) return;
    const text = section.open + taken.join('') + section.close(shown);
    parts.push(text);
    used += text.length;
  });
  parts.push(footer(shownCounts));
  return parts.join('');
}

/**
 * Room to keep for a section while earlier ones fill: its opening and the
 * whole items that fit in `limit`, and always its first item (so every
 * section that has items shows at least one when the budget allows).
 */
function measure(section: BudgetSection, limit: number): number {
  if (section.total === 0 || limit <= 0) return 0;
  let size = section.open.length + section.close(0).length;
  let first = true;
  for (const item of section.items()) {
    if (!first && size + item.length > limit) break;
    size += item.length;
    first = false;
  }
  return size;
}

/** A `<details>` block, blank lines around the body so GitHub renders its markdown, closed in every case. */
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>\n\n`;
}

/** A code span that no content can break out of (ids are safe, file paths may not be). */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Escapes text for HTML (inside `<summary>`). */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text on one line: no HTML tag or entity can start in it (`>` is harmless mid-line and stays readable). */
export function inline(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** A table cell: inline text with pipes escaped. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}
