import { createHash } from 'node:crypto';
import type { SourceFile } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';

/** `sha256:<hex>` over the policy files: path, NUL, content, NUL, in sorted path order. */
export function policyDigest(files: readonly SourceFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => compareStrings(a.path, b.path))) {
    hash.update(file.path);
    hash.update('\0');
    hash.update(file.text);
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
