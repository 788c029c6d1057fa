// IP addresses and CIDR ranges, on web standards only (Workers has no node:net): which proxies
// may name the client (TRUSTED_PROXIES), and which addresses an outgoing webhook may never reach.

/** An address as 16 bytes; IPv4 is held IPv4-mapped (`::ffff:a.b.c.d`), so one range list fits both. */
export type IpBytes = Uint8Array;
export type IpRange = { bytes: IpBytes; prefix: number };

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): number[] | undefined {
  const m = V4.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** The 16-bit groups of one side of a `::`, with a dotted IPv4 tail allowed on the last group. */
function groupsOf(side: string, allowV4Tail: boolean): number[] | undefined {
  if (side === "") return [];
  const groups: number[] = [];
  const pieces = side.split(":");
  for (const [i, piece] of pieces.entries()) {
    if (allowV4Tail && i === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseV4(piece);
      if (!v4) return undefined;
      groups.push(
        ((v4[0] as number) << 8) | (v4[1] as number),
        ((v4[2] as number) << 8) | (v4[3] as number),
      );
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseV6(text: string): IpBytes | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Parses an address as written in a header, a socket or a URL (`[::1]`, `fe80::1%eth0` accepted). */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  const v4 = parseV4(bare);
  if (v4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  return bare.includes(":") ? parseV6(bare) : undefined;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). */
export function parseRange(text: string): IpRange | undefined {
  const [address, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || address === undefined) return undefined;
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const isV4 = parseV4(address.trim()) !== undefined;
  const max = isV4 ? 32 : 128;
  if (prefixText === undefined) return { bytes, prefix: 128 };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { bytes, prefix: Number(prefixText) + (isV4 ? 96 : 0) };
}

export function inRange(ip: IpBytes, range: IpRange): boolean {
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const take = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const i = bit / 8;
    if (((ip[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
  }
  return true;
}

const ranges = (list: string[]) => list.map((r) => parseRange(r) as IpRange);

/**
 * Addresses a server-side request must never reach: this machine, private networks, link-local
 * (cloud metadata at 169.254.169.254 and fd00:ec2::254), shared and reserved space, multicast, and
 * the IPv6 forms that embed an IPv4 address (NAT64, 6to4, IPv4-compatible) since they can hide one.
 */
const NOT_PUBLIC = ranges([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/96",
  "::1/128",
  "64:ff9b::/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/23",
  "2001:db8::/32",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
]);

/** Whether an address may be the target of an outgoing request (a public unicast address). */
export const isPublicAddress = (ip: IpBytes) => !NOT_PUBLIC.some((range) => inRange(ip, range));

/** TRUSTED_PROXIES: comma-separated addresses or CIDRs; throws naming the entry it cannot read. */
export function parseTrustedProxies(text: string): IpRange[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const range = parseRange(entry);
      if (!range) throw new Error(`"${entry}" is not an IP address or CIDR range`);
      return range;
    });
}
