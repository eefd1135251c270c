// IP literal parsing with Go's net.ParseIP rules (no leading zeros in IPv4 parts, no zones),
// and the address classes the official validator refuses as remote hosts.

/** Dotted-decimal IPv4, four parts, no leading zeros; null otherwise. */
export function parseIPv4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

/** IPv6 (optionally ending in dotted IPv4) as 16 bytes; null otherwise. Zones are rejected. */
export function parseIPv6(s: string): number[] | null {
  const ellipsis = s.indexOf("::");
  if (ellipsis < 0) {
    const bytes = groupsToBytes(s, true);
    return bytes !== null && bytes.length === 16 ? bytes : null;
  }
  if (s.indexOf("::", ellipsis + 1) >= 0) return null;
  const head = groupsToBytes(s.slice(0, ellipsis), false);
  const tail = groupsToBytes(s.slice(ellipsis + 2), true);
  // "::" must stand for at least one 16-bit group of zeros.
  if (head === null || tail === null || head.length + tail.length > 14) return null;
  return [...head, ...new Array<number>(16 - head.length - tail.length).fill(0), ...tail];
}

function groupsToBytes(s: string, allowTrailingIPv4: boolean): number[] | null {
  if (s === "") return [];
  const groups = s.split(":");
  const bytes: number[] = [];
  for (const [i, group] of groups.entries()) {
    if (allowTrailingIPv4 && i === groups.length - 1 && group.includes(".")) {
      const v4 = parseIPv4(group);
      if (v4 === null) return null;
      bytes.push(...v4);
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
      const n = Number.parseInt(group, 16);
      bytes.push(n >> 8, n & 0xff);
    } else {
      return null;
    }
  }
  return bytes;
}

/** net.ParseIP: a 16-byte address (IPv4 as IPv4-mapped IPv6) or null. */
export function parseIP(s: string): number[] | null {
  const v4 = parseIPv4(s);
  if (v4 !== null) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  return s.includes(":") ? parseIPv6(s) : null;
}

/**
 * Loopback, unspecified, private (RFC 1918, fc00::/7), link-local, multicast, the IPv4
 * broadcast address and CGNAT 100.64.0.0/10. IPv4-mapped IPv6 counts as IPv4, as in Go.
 */
export function isNonPublicIP(ip: readonly number[]): boolean {
  const b = (i: number): number => ip[i] ?? 0;
  const isV4 = ip.slice(0, 10).every((x) => x === 0) && b(10) === 0xff && b(11) === 0xff;
  if (isV4) {
    const [a, c, d, e] = [b(12), b(13), b(14), b(15)];
    return (
      a === 127 ||
      (a === 0 && c === 0 && d === 0 && e === 0) ||
      a === 10 ||
      (a === 172 && (c & 0xf0) === 16) ||
      (a === 192 && c === 168) ||
      (a === 169 && c === 254) ||
      (a & 0xf0) === 0xe0 ||
      (a === 255 && c === 255 && d === 255 && e === 255) ||
      (a === 100 && (c & 0xc0) === 64)
    );
  }
  const allZeroUpTo15 = ip.slice(0, 15).every((x) => x === 0);
  return (
    (allZeroUpTo15 && (b(15) === 0 || b(15) === 1)) ||
    (b(0) & 0xfe) === 0xfc ||
    (b(0) === 0xfe && (b(1) & 0xc0) === 0x80) ||
    b(0) === 0xff
  );
}
