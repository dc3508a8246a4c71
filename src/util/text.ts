/**
 * Replaces control characters (and the Unicode line and paragraph separators)
 * with `\n`-style escapes, so text quoted from a policy can never start a new
 * line of output (a forged `::error` workflow command) or drive a terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
