/**
 * The plumbing every request goes through, apart from the database: the environment read once
 * through lib/config (the test-clock token, the build phase, LOG_LEVEL honoured by the logger),
 * and runAction, which turns a body's outcome into an ActionState and lets Next's control flow
 * (redirect, notFound) through.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { config, resetConfigForTests } from '@/lib/config';
import { idle } from '@/lib/contracts/action-state';
import { runAction } from '@/lib/server/action';
import { AppError } from '@/lib/server/errors';
import { log } from '@/lib/server/log';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  resetConfigForTests();
  vi.restoreAllMocks();
});

function withEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigForTests();
}

describe('lib/config', () => {
  it('reads the test-clock token, and refuses one shorter than 16 characters, naming the variable', () => {
    withEnv({ SWITCHBOARD_TEST_CLOCK_TOKEN: undefined });
    expect(config().testClockToken).toBeUndefined();
    withEnv({ SWITCHBOARD_TEST_CLOCK_TOKEN: 'a-token-of-24-characters' });
    expect(config().testClockToken).toBe('a-token-of-24-characters');
    withEnv({ SWITCHBOARD_TEST_CLOCK_TOKEN: 'short' });
    expect(() => config()).toThrow(/SWITCHBOARD_TEST_CLOCK_TOKEN: at least 16 characters/);
  });

  it('knows when next build runs (the database is not opened then), and when next dev serves (the CSP allows eval)', () => {
    withEnv({ NEXT_PHASE: undefined });
    expect(config().building).toBe(false);
    withEnv({ NEXT_PHASE: 'phase-production-build' });
    expect(config().building).toBe(true);
    // `next start` of a demo: NODE_ENV=production even though SWITCHBOARD_ENV says development.
    withEnv({ NODE_ENV: 'production', SWITCHBOARD_ENV: 'development', NEXT_PHASE: undefined });
    expect(config().nextDev).toBe(false);
    withEnv({ NODE_ENV: 'development', SWITCHBOARD_ENV: undefined });
    expect(config().nextDev).toBe(true);
  });

  it('refuses an unknown LOG_LEVEL', () => {
    withEnv({ LOG_LEVEL: 'loud' });
    expect(() => config()).toThrow(/LOG_LEVEL/);
  });
});

describe('lib/server/log honours LOG_LEVEL', () => {
  function capture() {
    const lines: string[] = [];
    for (const m of ['debug', 'log', 'warn', 'error'] as const)
      vi.spyOn(console, m).mockImplementation((l: string) => void lines.push(l));
    return lines;
  }
  it('writes info and above by default, and nothing below the level asked for', () => {
    withEnv({ LOG_LEVEL: undefined });
    let lines = capture();
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e', new Error('boom'));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(lines[2]).toContain('Error: boom');
    vi.restoreAllMocks();

    withEnv({ LOG_LEVEL: 'warn' });
    lines = capture();
    log.info('i');
    log.warn('w');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['WARN']);
    vi.restoreAllMocks();

    withEnv({ LOG_LEVEL: 'debug' });
    lines = capture();
    log.debug('d');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['DEBUG']);
  });
});

describe('runAction', () => {
  const schema = z.object({ n: z.coerce.number().int() });
  it('starts from the shared idle state and returns success with the body message', async () => {
    expect(idle).toEqual({ status: 'idle', message: '' });
    expect(await runAction('t', schema, { n: '2' }, async ({ n }) => ({ message: `got ${n}` }))).toEqual({
      status: 'success',
      message: 'got 2',
      data: undefined,
    });
  });

  it('refuses bad input as invalid with field errors, without running the body', async () => {
    const body = vi.fn(async () => ({ message: 'ran' }));
    const r = await runAction('t', schema, { n: 'x' }, body);
    expect(r).toMatchObject({ status: 'error', code: 'invalid' });
    expect(r.fieldErrors?.n).toBeDefined();
    expect(body).not.toHaveBeenCalled();
  });

  it("maps an AppError to its code and message, and anything else to 'internal' (logged, no details)", async () => {
    expect(
      await runAction('t', schema, { n: 1 }, async () => Promise.reject(new AppError('stale', 'Changed meanwhile.'))),
    ).toEqual({ status: 'error', code: 'stale', message: 'Changed meanwhile.', fieldErrors: undefined });
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await runAction('t', schema, { n: 1 }, async () => Promise.reject(new Error('secret stack')));
    expect(r.code).toBe('internal');
    expect(r.message).not.toContain('secret');
    expect(err).toHaveBeenCalledTimes(1);
  });

  it("lets Next's redirect and notFound through instead of answering 'internal'", async () => {
    await expect(runAction('t', schema, { n: 1 }, async () => redirect('/elsewhere'))).rejects.toMatchObject({
      digest: expect.stringMatching(/^NEXT_REDIRECT/),
    });
    await expect(runAction('t', schema, { n: 1 }, async () => notFound())).rejects.toMatchObject({
      digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/),
    });
  });
});
