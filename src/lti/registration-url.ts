/**
 * Which addresses Dynamic Registration may call. `/lti/register` fetches the openid
 * configuration URL its request names, and then the registration endpoint that configuration
 * names: both come from outside, so without a check anyone could make CoursePulse call its own
 * network (a database's HTTP port, a cloud metadata service at 169.254.169.254, an admin page on
 * localhost) and show them the answer. An LMS is on the internet; an address that is not publicly
 * routable (loopback, private, link-local, shared, multicast, reserved — IPv4, IPv6, and IPv4
 * inside IPv6) is refused, unless LTI_REGISTRATION_ALLOW_PRIVATE allows it (a test LMS on
 * 127.0.0.1, an LMS on the campus network).
 *
 * Host names are checked where the connection is made ({@link guardedLookup} is the `lookup` of
 * the request), on every address they resolve to, so a name cannot resolve to a public address
 * for a check and to a private one for the call. IP literals never reach `lookup`
 * ({@link checkLiteralHost}); the WHATWG URL parser has already turned `2130706433`, `0x7f.1`
 * and `017700000001` into `127.0.0.1`, and `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`.
 */
import dns from 'node:dns';
import net from 'node:net';

/** Why an address may not be called (a few words, such as "loopback"), or undefined when it may. */
export type AddressRule = (address: string) => string | undefined;

/** What may be called: every public address, plus private ones when the configuration allows. */
export function addressRule(allowPrivate: boolean): AddressRule {
  return allowPrivate ? () => undefined : nonPublicAddressKind;
}

/** A connection refused by the rule: the URL's host, the address it names or resolves to, and why. */
export class RefusedAddress extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(host === address ? `${address} is a ${kind} address` : `${host} resolves to ${address}, a ${kind} address`);
    this.name = 'RefusedAddress';
  }
}

type V4Range = [base: string, bits: number, kind: string];

// IANA's special-purpose registries (RFC 6890 and successors): none of these is an LMS on the internet.
const V4_RANGES: V4Range[] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Kind(address: string): string | undefined {
  const n = v4Number(address);
  for (const [base, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (Math.floor(n / size) === Math.floor(v4Number(base) / size)) return kind;
  }
  return undefined;
}

/** The 128 bits of an IPv6 address (any spelling net.isIPv6 accepts, dotted IPv4 tail included). */
function v6Number(address: string): bigint {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4Number(dotted);
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const inV6 = (n: bigint, prefix: bigint, bits: number): boolean => n >> BigInt(128 - bits) === prefix >> BigInt(128 - bits);
const v4Of = (n: bigint): string => [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.');

function v6Kind(address: string): string | undefined {
  const n = v6Number(address);
  if (n === 0n) return 'unspecified';
  if (n === 1n) return 'loopback';
  // IPv4 carried inside IPv6 is judged as that IPv4 address: mapped, NAT64, 6to4, and the old "compatible" form.
  if (inV6(n, 0xffffn << 32n, 96)) return v4Kind(v4Of(n & 0xffffffffn));
  if (inV6(n, 0x64ff9bn << 96n, 96)) return v4Kind(v4Of(n & 0xffffffffn));
  if (inV6(n, 0n, 96)) return v4Kind(v4Of(n & 0xffffffffn)) ?? 'IPv4-compatible';
  if (inV6(n, 0x2002n << 112n, 16)) return v4Kind(v4Of((n >> 80n) & 0xffffffffn));
  const ranges: Array<[bigint, number, string]> = [
    [0x64ff9b0001n << 80n, 48, 'local-use NAT64'],
    [0x100n << 112n, 64, 'discard-only'],
    [0x20010000n << 96n, 32, 'Teredo'],
    [0x20010db8n << 96n, 32, 'documentation'],
    [0xfc00n << 112n, 7, 'unique local (private)'],
    [0xfe80n << 112n, 10, 'link-local'],
    [0xfec0n << 112n, 10, 'site-local'],
    [0xff00n << 112n, 8, 'multicast'],
  ];
  return ranges.find(([prefix, bits]) => inV6(n, prefix, bits))?.[2];
}

/** What kind of non-public address `address` (an IP literal) is, or undefined for a public one (or no IP at all). */
export function nonPublicAddressKind(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = net.isIP(bare);
  if (family === 4) return v4Kind(bare);
  if (family === 6) return v6Kind(bare);
  return undefined;
}

/** Throws {@link RefusedAddress} when the URL's host is an IP literal the rule refuses (literals never reach `lookup`). */
export function checkLiteralHost(url: URL, rule: AddressRule): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!net.isIP(host)) return;
  const kind = rule(host);
  if (kind) throw new RefusedAddress(host, host, kind);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type Resolver = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

/**
 * The `lookup` of an outgoing request: resolves the name (every address, whatever the caller
 * asked), refuses it if any address is one the rule refuses, and answers what the caller asked
 * for. `resolve` is dns.lookup; tests give names addresses of their choosing.
 */
export function guardedLookup(rule: AddressRule, resolve: Resolver = dns.lookup): (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    resolve(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      for (const { address } of addresses) {
        const kind = rule(address);
        if (kind) return callback(new RefusedAddress(hostname, address, kind), '');
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
