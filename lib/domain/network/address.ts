/**
 * What kind of address an IP is, for the callback guard (SSRF, docs/security.md): only a public
 * unicast address may be called back in a deployment. Pure: parses the text of an address (as
 * the URL parser normalises it, or as a resolver returns it); no lookups.
 */

export type AddressKind =
  | 'public'
  /** 0.0.0.0/8, :: */
  | 'unspecified'
  /** 127/8, ::1 */
  | 'loopback'
  /** RFC 1918 (10/8, 172.16/12, 192.168/16), fec0::/10 site-local, 64:ff9b:1::/48 */
  | 'private'
  /** 100.64/10, carrier-grade NAT */
  | 'shared'
  /** 169.254/16 (the cloud metadata address 169.254.169.254 among them), fe80::/10 */
  | 'link-local'
  /** fc00::/7 */
  | 'unique-local'
  | 'multicast'
  /** Documentation, benchmarking, IETF protocol and future-use ranges, broadcast, unassigned IPv6. */
  | 'reserved';

/** Dotted-quad IPv4 ("192.0.2.1", decimal, no leading zeros) → its four bytes, or null. */
export function parseIpv4(text: string): [number, number, number, number] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : Number.NaN));
  if (bytes.some((b) => !(b >= 0 && b <= 255))) return null;
  return bytes as [number, number, number, number];
}

/** IPv6 text (with or without brackets, "::" compression, a dotted IPv4 tail; a zone is dropped) → eight 16-bit groups, or null. */
export function parseIpv6(text: string): number[] | null {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return null;
  // A dotted IPv4 tail ("::ffff:127.0.0.1") is the last two groups.
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(t.slice(lastColon + 1));
    if (!v4) return null;
    t = `${t.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const zeros = halves.length === 2 ? 8 - given : 0;
  return [
    ...head.map((g) => Number.parseInt(g, 16)),
    ...Array<number>(zeros).fill(0),
    ...rest.map((g) => Number.parseInt(g, 16)),
  ];
}

function inV4(b: readonly number[], net: readonly number[], bits: number): boolean {
  for (let i = 0; i < 4; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

const V4_RANGES: [number[], number, AddressKind][] = [
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'shared'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'],
  [[192, 0, 2, 0], 24, 'reserved'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'],
  [[198, 51, 100, 0], 24, 'reserved'],
  [[203, 0, 113, 0], 24, 'reserved'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

export function classifyIpv4(b: readonly [number, number, number, number]): AddressKind {
  for (const [net, bits, kind] of V4_RANGES) if (inV4(b, net, bits)) return kind;
  return 'public';
}

const v4Of = (hi: number, lo: number): [number, number, number, number] => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];

export function classifyIpv6(g: readonly number[]): AddressKind {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the old IPv4-compatible (::a.b.c.d): the IPv4 address decides.
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) return classifyIpv4(v4Of(g[6]!, g[7]!));
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address; the local-use prefix is private.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(v4Of(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  // 6to4 (2002::/16) carries an IPv4 address in its next 32 bits.
  if (g[0] === 0x2002) return classifyIpv4(v4Of(g[1]!, g[2]!));
  const first = g[0]!;
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private';
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  // Teredo (2001::/32), documentation (2001:db8::/32), and anything outside global unicast (2000::/3).
  if (first === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'reserved';
  if ((first & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/** The kind of an address given as text, or null when the text is not an IP address. */
export function classifyAddress(text: string): AddressKind | null {
  const v4 = parseIpv4(text);
  if (v4) return classifyIpv4(v4);
  const v6 = parseIpv6(text);
  return v6 ? classifyIpv6(v6) : null;
}
