import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { config, resetConfigForTests, SECRET_FILE } from '@/lib/config';

const saved = { ...process.env };
function withEnv(env: Record<string, string | undefined>) {
  for (const k of ['NODE_ENV', 'SWITCHBOARD_ENV', 'NEXTAUTH_SECRET', 'DATA_DIR', 'TRUST_PROXY', 'NEXT_PHASE'])
    delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  resetConfigForTests();
  return config();
}
afterEach(() => {
  process.env = { ...saved };
  resetConfigForTests();
});

describe('the session secret', () => {
  it('a deployment without NEXTAUTH_SECRET, or with a short one, stops with a message naming it', () => {
    expect(() => withEnv({ NODE_ENV: 'production' }).authSecret).toThrow(/NEXTAUTH_SECRET: required in a deployment/);
    expect(() => withEnv({ SWITCHBOARD_ENV: 'production', NEXTAUTH_SECRET: 'x'.repeat(31) }).authSecret).toThrow(
      /NEXTAUTH_SECRET: must be at least 32 characters/,
    );
    expect(withEnv({ NODE_ENV: 'production', NEXTAUTH_SECRET: 'x'.repeat(32) }).authSecret).toBe('x'.repeat(32));
    // Nothing is asked of scripts that sign nothing until they read the secret.
    expect(withEnv({ NODE_ENV: 'production' }).deployment).toBe(true);
  });

  it('`next build` needs none: a random one, different each time', () => {
    const a = withEnv({ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }).authSecret;
    const b = withEnv({ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }).authSecret;
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(b);
  });

  it('outside a deployment, without NEXTAUTH_SECRET: generated once per data folder (0600), the same on every start', () => {
    const one = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-secret-'));
    const two = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-secret-'));
    try {
      const c = withEnv({ SWITCHBOARD_ENV: 'development', NODE_ENV: 'production', DATA_DIR: one });
      const first = c.authSecret;
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(c.authSecretSource).toBe(path.join(one, SECRET_FILE));
      expect(fs.statSync(path.join(one, SECRET_FILE)).mode & 0o777).toBe(0o600);
      expect(withEnv({ SWITCHBOARD_ENV: 'development', DATA_DIR: one }).authSecret).toBe(first);
      expect(withEnv({ SWITCHBOARD_ENV: 'test', DATA_DIR: two }).authSecret).not.toBe(first);
      // A loosened file is tightened again; a truncated one is refused, not used.
      fs.chmodSync(path.join(one, SECRET_FILE), 0o644);
      expect(withEnv({ DATA_DIR: one }).authSecret).toBe(first);
      expect(fs.statSync(path.join(one, SECRET_FILE)).mode & 0o777).toBe(0o600);
      fs.writeFileSync(path.join(two, SECRET_FILE), 'short');
      expect(() => withEnv({ DATA_DIR: two }).authSecret).toThrow(/holds fewer than 32 characters/);
    } finally {
      fs.rmSync(one, { recursive: true, force: true });
      fs.rmSync(two, { recursive: true, force: true });
    }
  });
});

describe('TRUST_PROXY', () => {
  it('is a number of proxies (0 when unset), validated', () => {
    expect(withEnv({}).trustProxy).toBe(0);
    expect(withEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(withEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(withEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    for (const bad of ['yes', '-1', '11', '1.5', '1,2'])
      expect(() => withEnv({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });
});

describe('SWITCHBOARD_ENV', () => {
  it('empty counts as unset: under NODE_ENV=production that is a deployment', () => {
    expect(withEnv({ NODE_ENV: 'production', SWITCHBOARD_ENV: '' }).deployment).toBe(true);
    expect(withEnv({ NODE_ENV: 'production', SWITCHBOARD_ENV: 'test' }).deployment).toBe(false);
    expect(() => withEnv({ SWITCHBOARD_ENV: 'staging' })).toThrow(/SWITCHBOARD_ENV/);
  });
});
