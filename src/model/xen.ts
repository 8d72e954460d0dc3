// The Xen releases `check --xen-host` judges a host's tables for, and the version ranges the
// XEN_HOST_* codes name (a Xen consumer's `versions`: "4.17+", "4.17", "4.18-4.20").
// Read from xen-project/xen at each RELEASE-4.x.0 tag (../shared/reference/xen-host-rules.md, and
// docs/xen-host.md for what each code reads there).

/** The releases a finding can be asked for: 4.17 (Debian 12's) to the newest. */
export const XEN_RELEASES = ['4.17', '4.18', '4.19', '4.20', '4.21', '4.22'] as const;
export type XenRelease = (typeof XEN_RELEASES)[number];
export const NEWEST_XEN: XenRelease = XEN_RELEASES[XEN_RELEASES.length - 1];

/** The maximum number of CPUs a default arm64 Xen uses (NR_CPUS, xen/arch/Kconfig) and gives
 * dom0 (MAX_VIRT_CPUS, xen/arch/arm/include/asm/config.h): 128 at every release above. */
export const XEN_NR_CPUS = 128;

/** "4.17" → 417: comparable. */
const rank = (v: string): number => {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  return m ? Number(m[1]) * 100 + Number(m[2]) : NaN;
};

export function isXenRelease(v: string): v is XenRelease {
  return (XEN_RELEASES as readonly string[]).includes(v);
}

/** The releases a version range covers: "all", "4.17+", "4.17", "4.18-4.20". */
export function releasesIn(versions: string): XenRelease[] {
  const v = versions.trim();
  if (v === 'all') return [...XEN_RELEASES];
  let lo: number;
  let hi: number;
  if (v.endsWith('+')) [lo, hi] = [rank(v.slice(0, -1)), Infinity];
  else if (v.includes('-')) [lo, hi] = v.split('-').map(rank) as [number, number];
  else lo = hi = rank(v);
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`not a Xen version range: "${versions}"`);
  return XEN_RELEASES.filter((r) => rank(r) >= lo && rank(r) <= hi);
}

/** How a finding names the releases it applies to: "Xen 4.17-4.22", "Xen 4.17". */
export function releasesText(rs: readonly XenRelease[]): string {
  if (!rs.length) return 'no Xen release';
  return rs.length === 1 ? `Xen ${rs[0]}` : `Xen ${rs[0]}-${rs[rs.length - 1]}`;
}
