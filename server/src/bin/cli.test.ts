import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/child-process';

describe('mediaforge CLI', () => {
  it('stops with a message naming each bad variable', async () => {
    const child = runCli('start', { PORT: 'eighty', QUOTA_TZ: 'Nowhere/City' });
    const code = await new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(child.output()).toContain('Invalid configuration');
    expect(child.output()).toContain('PORT');
    expect(child.output()).toContain('QUOTA_TZ');
  });

  it('prints usage for an unknown command', async () => {
    const child = runCli('frobnicate', {});
    const code = await new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
    expect(code).toBe(2);
    expect(child.output()).toContain('mediaforge <command>');
  });
});
