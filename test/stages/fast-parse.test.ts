import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { YNode } from '../../src/model/ast.js';
import { fastParse } from '../../src/stages/fast-parse.js';
import { fullParse } from '../../src/stages/parse.js';
import { root } from '../helpers/cli.js';

/** A comparable view of a tree: kinds, values, names, scalar ranges and collection starts. */
function shape(node: YNode | undefined): unknown {
  if (node === undefined) return undefined;
  switch (node.kind) {
    case 'scalar':
      return ['s', node.value, node.start, node.end];
    case 'seq':
      return ['q', node.start, node.items.map(shape)];
    case 'map':
      return ['m', node.start, node.pairs.map((p) => [p.name, p.key.start, p.key.end, shape(p.value)])];
  }
}

/** Fast path result must equal the full parser's, or the fast path must give up. Returns whether it took the fast path. */
function agree(text: string): boolean {
  const file = { path: 'x.yaml', text };
  const fast = fastParse(file, 64);
  if (fast === undefined) return false;
  const full = fullParse(file);
  const fullProblems = full.problems.map((p) => [p.message, p.span.start]);
  const fastProblems = fast.problems.map((p) => [p.message, p.span.start]);
  // Only duplicate keys may be reported by both; any other full-parser problem means the fast path accepted bad YAML.
  expect(fastProblems, text).toEqual(fullProblems);
  expect(shape(fast.root), text).toEqual(shape(full.parsed.root));
  return true;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

describe('fast-path parser', () => {
  it('builds exactly the full parser\'s tree for every policy file in the repository', () => {
    let fastCount = 0;
    const files = [...yamlFiles(path.join(root, 'policies')), ...yamlFiles(path.join(root, 'test/fixtures'))];
    for (const file of files) if (agree(readFileSync(file, 'utf8'))) fastCount++;
    // The example organisation is plain YAML: all of it takes the fast path.
    expect(yamlFiles(path.join(root, 'policies')).every((f) => fastParse({ path: f, text: readFileSync(f, 'utf8') }, 64) !== undefined)).toBe(true);
    expect(fastCount).toBeGreaterThan(10);
  });

  it.each([
    ['block map', 'a: 1\nb: two\n'],
    ['nested', 'roles:\n  r:\n    grants: [a.b, "c.*", \'d\']\n    denies:\n      - x\n      - y\n'],
    ['sequence at the key column', 'a:\n- 1\n- 2\nb: 3\n'],
    ['compact maps in sequences', 'users:\n  - role: r\n    expires: 2027-01-01\n  - { role: s }\n'],
    ['empty values', 'a:\nb: ~\nc: []\nd: {}\ne:\n  -\n  - x\n'],
    ['comments everywhere', '# head\na: 1 # one\n\n# mid\nb:   # note\n  - x   # item\n'],
    ['multi-line flow', 'a: [one,\n  two, three,\n]\nb: { c: d,\n  e: f }\n'],
    ['core schema', 'a: [true, False, NULL, ~, 12, -3, 0o17, 0x1F, 1.5, .5, 1e3, .inf, -.Inf, .nan, 2026-11-22, yes, no, on]\n'],
    ['quotes', 'a: \'it\'\'s\'\n"b c": "d: e"\n\'f\': x\n'],
    ['a document marker', '---\na: 1\n'],
    ['duplicate keys', 'a: 1\nb: 2\na: 3\n'],
    ['CRLF', 'a: 1\r\nb:\r\n  - x\r\n'],
    ['colons inside values', 'a: http://x.y/z\nb: c:d\n'],
  ])('agrees on %s (and takes the fast path)', (_name, text) => {
    expect(agree(text)).toBe(true);
  });

  it.each([
    ['anchors', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !foo 1\n'],
    ['keep-chomping block scalars', 'a: |+\n  text\n\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['escapes', 'a: "x\\ty"\n'],
    ['tabs', 'a:\n\t- x\n'],
    ['unterminated flow', 'a: [x, y\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['complex keys', '? [a]\n: 1\n'],
    ['empty block scalars', 'd: |\ne: 1\n'],
    ['empty flow values', 'a: { b: }\n'],
  ])('gives up on %s', (_name, text) => {
    expect(fastParse({ path: 'x.yaml', text }, 64)).toBeUndefined();
  });

  it('agrees with the full parser on random policies in every YAML style yaml.stringify writes', () => {
    const scalar = fc.oneof(fc.constantFrom('a', 'case.read@own', 'kb.*', '*', 'true', 'null', '12', '1.5', 'x: y', '#c', '- d', "it's", 'a b', ''), fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(fc.oneof(fc.constantFrom('a', 'b.c', 'true', '1', 'x y'), fc.string({ maxLength: 4 })), tie('node'), { maxKeys: 4 }),
    })).map;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'), (data, flowLevel, indent, defaultStringType) => {
        const text = stringify(data, { indent, defaultStringType: defaultStringType as 'PLAIN', collectionStyle: flowLevel === 0 ? 'flow' : flowLevel === 1 ? 'block' : 'any' });
        agree(text);
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('never accepts random YAML-ish text that the full parser rejects, and agrees where it accepts', () => {
    const pieces = fc.constantFrom('a', 'b', ':', ' ', '  ', '\n', '- ', '[', ']', '{', '}', ',', '"', "'", '#', 'x: y', '1', 'true', '~', '---', '&a', '*a', '!t', '|', '?', '@', '%', '\r\n', '\n  ', '\n    ', '\n- ', '\n  - ', 'k: ', 'k:', '- k: v', '>-', '|-', '>', '"a b"', "'c'", ' #c', 'x.y', '-x', '\n\n');
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        if (agree(parts.join(''))) accepted++;
      }),
      { numRuns: 5000, seed: 1 },
    );
    // The comparison only means something where the fast path answers: make sure it often does.
    expect(accepted).toBeGreaterThan(250);
  });
});

describe('fast-path parser: block scalars', () => {
  it.each([
    ['folded, stripped, in a nested map', 'a:\n  d: >-\n    one two\n    three\n\n    four\n  e: 1\n'],
    ['folded, clipped, trailing blank lines', 'd: >\n  x\n  y\n\n\n'],
    ['literal with more-indented lines', 'd: |\n  x\n   y\n  z\n'],
    ['literal stripped with a blank line', 'd: |-\n  x\n\n  y\ne: 2\n'],
    ['header comment', 'd: >- # c\n  x\nz: 1\n'],
    ['leading blank line', 'd: >\n\n  x\n'],
    ['in a sequence', '- >-\n  a\n  b\n- c\n'],
    ['content with # and :', 'd: >-\n  a # b: c\n  d\n'],
    ['at the end of the file without newline', 'd: >-\n  a\n  b'],
  ])('agrees on %s (and takes the fast path)', (_name, text) => {
    expect(agree(text)).toBe(true);
  });
});
