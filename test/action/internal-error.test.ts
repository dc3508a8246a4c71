import { afterEach, describe, expect, it, vi } from 'vitest';

// The run throws what no user input can cause: the Action must say it is a bug, in one line.
vi.mock('../../src/action/run.js', () => ({
  runAction: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'roles')");
  },
}));

describe('an internal error', () => {
  afterEach(() => {
    process.exitCode = 0;
    vi.restoreAllMocks();
  });

  it('fails the step saying it is a bug in rolecall, without a stack trace', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { main } = await import('../../src/action.js');
    written.length = 0;
    await main();
    const out = written.join('');
    expect(process.exitCode).toBe(1);
    const failures = out.split('\n').filter((l) => l.startsWith('::error::'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^::error::rolecall: internal error \(this is a bug in rolecall, not in your policy\): Cannot read properties of undefined \(reading 'roles'\)\. Please report it at https:\/\/github\.com\/rolecall-dev\/rolecall\/issues/);
    // The stack goes to the debug log only (shown when the run is re-run with debug logging).
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).toMatch(/^::debug::TypeError/m);
  });
});
