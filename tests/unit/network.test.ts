/**
 * The SSRF guard of hub and webhook callbacks: the pure address classification and callback
 * check (lib/domain/network), and the server side with an injected resolver (no DNS here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { config, resetConfigForTests } from '@/lib/config';
import { checkCallback, classifyAddress, parseIpv6 } from '@/lib/domain/network';
import { CallbackRefusedError, checkCallbackTarget, deliveryGuard, guardedLookup } from '@/lib/server/callbacks';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.128.0.1', 'public'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0::1', 'reserved'],
    ['100::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:82b::200e', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    'example.com',
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3',
    'g::1',
    '',
  ])('%s is not an IP address', (text) => {
    expect(classifyAddress(text)).toBeNull();
  });

  it('parses IPv6 forms to the same groups', () => {
    const loop = [0, 0, 0, 0, 0, 0, 0, 1];
    expect(parseIpv6('::1')).toEqual(loop);
    expect(parseIpv6('0::0:1')).toEqual(loop);
    expect(parseIpv6('::0.0.0.1')).toEqual(loop);
    expect(parseIpv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  });
});

describe('checkCallback (pure)', () => {
  const refused = (raw: string) => checkCallback(raw, { allowPrivate: false });
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://2130706433/hook', // decimal
    'http://0177.0.0.1/hook', // octal
    'http://0x7f.0.0.1/hook', // hex
    'http://127.1/hook', // short form
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[0:0:0:0:0:ffff:7f00:1]/hook',
    'http://0.0.0.0/hook',
    'http://0/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/hook',
    'http://192.168.0.1/hook',
    'http://172.20.0.1/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'http://localhost:3000/hook',
    'http://LOCALHOST./hook',
    'http://api.localhost/hook',
  ])('%s is refused in a deployment, allowed with private callbacks', (raw) => {
    const r = refused(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^The callback's host is not a public address: .+\.$/);
    expect(checkCallback(raw, { allowPrivate: true }).ok).toBe(true);
  });

  it('the URL as normalised is what is kept and checked', () => {
    expect(checkCallback('http://2130706433/x', { allowPrivate: true })).toMatchObject({
      ok: true,
      url: 'http://127.0.0.1/x',
      host: '127.0.0.1',
      literal: true,
    });
    expect(refused('http://0x08.0x08.0x08.0x08/x')).toMatchObject({ ok: true, host: '8.8.8.8', literal: true });
    expect(refused('https://[2606:4700:4700::1111]/x')).toMatchObject({ ok: true, host: '2606:4700:4700::1111' });
    expect(refused('https://hooks.example.com/x')).toMatchObject({
      ok: true,
      host: 'hooks.example.com',
      literal: false,
    });
  });

  it.each([
    ['ftp://example.org/x', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['gopher://example.org/x', 'http or https'],
    ['not a url', 'absolute URL'],
    ['https://user:pw@example.org/x', 'credentials'],
    [`https://example.org/${'x'.repeat(2000)}`, 'longer than 2000'],
  ])('%s is refused whatever the setting (%s)', (raw, why) => {
    for (const allowPrivate of [false, true]) {
      const r = checkCallback(raw, { allowPrivate });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toContain(why);
    }
  });
});

describe('the server-side guard, with an injected resolver', () => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.example.com': ['10.0.0.5'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    'empty.example.com': [],
  };
  const resolve = async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetConfigForTests();
  });

  it('at registration: a name resolving only to public addresses is accepted; any other address refuses it', async () => {
    const check = (raw: string) => checkCallbackTarget(raw, { allowPrivate: false, resolve });
    expect(await check('https://hooks.example.com/x')).toMatchObject({ ok: true, url: 'https://hooks.example.com/x' });
    expect(await check('https://internal.example.com/x')).toEqual({
      ok: false,
      reason: 'The callback is refused: its host internal.example.com resolves to 10.0.0.5, a private address.',
    });
    for (const host of ['mixed', 'metadata', 'mapped', 'empty', 'nowhere'])
      expect((await check(`https://${host}.example.com/x`)).ok, host).toBe(false);
    expect(await check('https://nowhere.example.com/x')).toMatchObject({
      reason: expect.stringContaining('ENOTFOUND'),
    });
    // Private callbacks allowed: nothing is looked up.
    expect(
      await checkCallbackTarget('https://nowhere.example.com/x', {
        allowPrivate: true,
        resolve: () => Promise.reject(new Error('not called')),
      }),
    ).toMatchObject({ ok: true });
  });

  it('at delivery: the lookup refuses before connecting when any address is not public', async () => {
    const lookup = guardedLookup(resolve);
    const ask = (host: string, options: { all?: boolean; family?: number }) =>
      new Promise<{ err: Error | null; address: unknown; family?: number }>((done) =>
        lookup(host, options, (err, address, family) => done({ err, address, family })),
      );
    expect(await ask('hooks.example.com', {})).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(await ask('hooks.example.com', { family: 6 })).toMatchObject({
      address: '2606:2800:220:1:248:1893:25c8:1946',
    });
    expect((await ask('hooks.example.com', { all: true })).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
    const rebound = await ask('mixed.example.com', { all: true });
    expect(rebound.err).toBeInstanceOf(CallbackRefusedError);
    expect(rebound.err!.message).toBe('refused: its host mixed.example.com resolves to 127.0.0.1, a loopback address');
    expect((await ask('nowhere.example.com', {})).err).not.toBeInstanceOf(CallbackRefusedError);
  });

  it('the setting: private callbacks are allowed outside a deployment, refused in one unless SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS=1', () => {
    const withEnv = (env: Record<string, string>) => {
      for (const k of ['SWITCHBOARD_ENV', 'SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS']) delete process.env[k];
      Object.assign(process.env, env);
      resetConfigForTests();
      return config().allowPrivateCallbacks;
    };
    expect(withEnv({ SWITCHBOARD_ENV: 'test' })).toBe(true);
    expect(withEnv({ SWITCHBOARD_ENV: 'development' })).toBe(true);
    expect(withEnv({ SWITCHBOARD_ENV: 'production' })).toBe(false);
    expect(withEnv({ SWITCHBOARD_ENV: 'production', SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS: '1' })).toBe(true);
    expect(withEnv({ SWITCHBOARD_ENV: 'test', SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS: '0' })).toBe(false);
    expect(withEnv({ SWITCHBOARD_ENV: 'test', SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS: 'false' })).toBe(false);
    expect(() => withEnv({ SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS: 'yes' })).toThrow(
      /SWITCHBOARD_ALLOW_PRIVATE_CALLBACKS/,
    );

    // In a deployment a stored callback on a private literal is refused at delivery too.
    withEnv({ SWITCHBOARD_ENV: 'production' });
    expect(() => deliveryGuard('http://127.0.0.1:9/x')).toThrow(CallbackRefusedError);
    expect(deliveryGuard('https://hooks.example.com/x').lookup).toBeTypeOf('function');
    expect(deliveryGuard('https://8.8.8.8/x').lookup).toBeUndefined();
    withEnv({ SWITCHBOARD_ENV: 'test' });
    expect(deliveryGuard('http://127.0.0.1:9/x')).toMatchObject({ lookup: undefined });
  });
});
