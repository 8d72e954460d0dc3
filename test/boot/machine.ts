// What test/boot needs to boot Linux under QEMU: the tools (QEMU, edk2, dpkg-deb) installed with
// apt when missing, Debian's arm64 kernel and busybox fetched with `apt-get download` (cached),
// an initramfs written here (newc cpio: busybox, test/boot/init.sh, the virtio modules), and QEMU
// runs whose serial output is read for init.sh's "DOM0TEST key=value" lines.
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFdt, findNode } from '../../src/fdt/reader.js';
import { writeFdt, u32 } from '../../src/fdt/writer.js';
import { ROOT } from '../helpers.js';

/** The machine every boot uses: QEMU virt with a GICv3 (and its ITS), an SMMUv3 in front of PCI,
 * four CPUs, 512 MiB of RAM at 1 GiB, and a virtio RNG on PCI (MSI-X, DMA). */
export const MACHINE = ['-M', 'virt,gic-version=3,iommu=smmuv3', '-cpu', 'cortex-a57', '-smp', '4', '-m', '512M', '-nic', 'none', '-device', 'virtio-rng-pci'];
export const RAM = { base: 0x40000000n, size: 0x20000000n };

const EDK2 = ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd'];
const MODULES: Record<string, string> = {
  virtio_pci_legacy_dev: 'drivers/virtio/virtio_pci_legacy_dev.ko',
  virtio_pci_modern_dev: 'drivers/virtio/virtio_pci_modern_dev.ko',
  virtio_pci: 'drivers/virtio/virtio_pci.ko',
  'virtio-rng': 'drivers/char/hw_random/virtio-rng.ko',
};

export interface Assets {
  qemu: string;
  edk2: string;
  kernel: string;
  /** the kernel's release, as uname -r says it */
  release: string;
  initrd: string;
}

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const have = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Debian packages installed with apt-get when a tool is missing (as root); undefined when they are
 * there, else why not. */
function aptInstall(packages: string[]): string | undefined {
  if (process.getuid?.() !== 0 || !have('apt-get')) return `${packages.join(', ')} missing and apt-get cannot install them here (not root, or not Debian)`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const up = spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { env, encoding: 'utf8' });
  return up.status === 0 && r.status === 0 ? undefined : `apt-get install ${packages.join(' ')} failed: ${(r.stderr || '').trim().split('\n').pop()}`;
}

/** Debian's arm64 kernel image package (the one linux-image-arm64 depends on) and busybox-static,
 * downloaded into the cache and unpacked; returns their folders, or why not. */
function arm64Packages(cache: string): { kernel: string; busybox: string } | string {
  const unpacked = (name: string) => join(cache, name);
  if (existsSync(join(unpacked('kernel'), 'boot')) && existsSync(join(unpacked('busybox'), 'bin', 'busybox')))
    return { kernel: unpacked('kernel'), busybox: unpacked('busybox') };
  if (!run('dpkg', ['--print-foreign-architectures']).stdout.includes('arm64')) {
    if (process.getuid?.() !== 0) return 'the arm64 architecture is not added to dpkg, and only root can add it';
    run('dpkg', ['--add-architecture', 'arm64']);
    run('apt-get', ['update', '-qq']);
  }
  const depends = run('apt-cache', ['depends', 'linux-image-arm64:arm64']).stdout;
  const image = /Depends: (linux-image-[^\s:]+)/.exec(depends)?.[1];
  if (!image) return 'apt-cache knows no linux-image-arm64:arm64 (is the arm64 architecture added and apt-get update run?)';
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  const got = spawnSync('apt-get', ['download', `${image}:arm64`, 'busybox-static:arm64'], { cwd: debs, encoding: 'utf8' });
  if (got.status !== 0) return `apt-get download ${image}:arm64 busybox-static:arm64 failed: ${(got.stderr || '').trim().split('\n').pop()}`;
  for (const [deb, dir] of [
    [readdirSync(debs).find((f) => f.startsWith(`${image}_`)), 'kernel'],
    [readdirSync(debs).find((f) => f.startsWith('busybox-static_')), 'busybox'],
  ] as const) {
    rmSync(unpacked(dir), { recursive: true, force: true });
    if (!deb || run('dpkg-deb', ['-x', join(debs, deb), unpacked(dir)]).status !== 0) return `cannot unpack ${deb ?? dir}`;
  }
  return { kernel: unpacked('kernel'), busybox: unpacked('busybox') };
}

/** A newc cpio archive of these files (mode 0o40755 makes a folder). */
function cpio(files: { name: string; mode: number; data?: Uint8Array }[]): Buffer {
  const out: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  [...files, { name: 'TRAILER!!!', mode: 0 }].forEach((f, i) => {
    const name = Buffer.from(`${f.name}\0`);
    const data = Buffer.from(f.data ?? new Uint8Array());
    const fields = [i + 1, f.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    const head = Buffer.from(`070701${fields.map((x) => x.toString(16).padStart(8, '0')).join('')}`, 'latin1');
    out.push(head, name, pad(head.length + name.length), data, pad(data.length));
  });
  return Buffer.concat(out);
}

/** Everything a boot needs, installed, fetched and built; or the one-line reason it cannot be. */
export function prepare(work: string): Assets | string {
  const missing = [
    ...(have('qemu-system-aarch64') ? [] : ['qemu-system-arm']),
    ...(EDK2.some(existsSync) ? [] : ['qemu-efi-aarch64']),
    ...(have('dpkg-deb') ? [] : ['dpkg']),
  ];
  if (missing.length) {
    const why = aptInstall(missing);
    if (why) return why;
  }
  const cache = process.env.DOM0_ACPI_BOOT_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dom0-acpi', 'boot');
  const pkgs = arm64Packages(cache);
  if (typeof pkgs === 'string') return pkgs;
  const release = readdirSync(join(pkgs.kernel, 'lib', 'modules'))[0];
  const kernel = join(pkgs.kernel, 'boot', `vmlinuz-${release}`);
  const modules = join(pkgs.kernel, 'lib', 'modules', release, 'kernel');
  const initrd = join(work, 'initrd.cpio');
  const dir = (name: string) => ({ name, mode: 0o40755 });
  writeFileSync(
    initrd,
    cpio([
      ...['bin', 'proc', 'sys', 'dev', 'lib', 'lib/modules'].map(dir),
      { name: 'bin/busybox', mode: 0o100755, data: readFileSync(join(pkgs.busybox, 'bin', 'busybox')) },
      { name: 'init', mode: 0o100755, data: readFileSync(join(ROOT, 'test', 'boot', 'init.sh')) },
      ...Object.entries(MODULES).map(([name, path]) => ({ name: `lib/modules/${name}.ko`, mode: 0o100644, data: readFileSync(join(modules, path)) })),
    ]),
  );
  return { qemu: 'qemu-system-aarch64', edk2: EDK2.find(existsSync)!, kernel, release, initrd };
}

/** What a boot said: init.sh's lines by key (irq/fwbug/spcr may repeat), and the whole serial log. */
export interface Said {
  facts: Map<string, string[]>;
  log: string;
}

function facts(log: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of log.matchAll(/DOM0TEST (\w+)[= ](.*)/g)) out.set(m[1], [...(out.get(m[1]) ?? []), m[2].trim()]);
  return out;
}

/** QEMU until init.sh says "done" (then `atDone` runs against the monitor) or the time runs out. */
function boot(a: Assets, args: string[], timeoutMs: number, atDone?: (monitor: string) => Promise<void>, monitor?: string): Promise<Said> {
  return new Promise((resolve, reject) => {
    const q = spawn(a.qemu, [...MACHINE, '-nographic', '-no-reboot', ...args, ...(monitor ? ['-monitor', `unix:${monitor},server,nowait`] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let done = false;
    const timer = setTimeout(() => q.kill('SIGKILL'), timeoutMs);
    q.stdout.on('data', (d: Buffer) => {
      log += d.toString('latin1');
      if (!done && /DOM0TEST done/.test(log)) {
        done = true;
        if (atDone && monitor) atDone(monitor).then(() => q.kill('SIGTERM'), reject);
      }
    });
    q.stderr.on('data', (d: Buffer) => void (log += d.toString('latin1')));
    q.on('error', reject);
    q.on('exit', () => {
      clearTimeout(timer);
      resolve({ facts: facts(log), log });
    });
  });
}

/** A command to QEMU's monitor, waiting for its prompt to come back. */
function monitorCommand(socket: string, command: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let seen = '';
    let sent = false;
    const timer = setTimeout(() => reject(new Error(`monitor: "${command}" did not finish`)), timeoutMs);
    c.on('data', (d) => {
      seen += d.toString();
      const prompts = seen.split('(qemu)').length - 1;
      if (!sent && prompts >= 1) {
        sent = true;
        c.write(`${command}\n`);
      } else if (sent && prompts >= 2) {
        clearTimeout(timer);
        c.end();
        resolve();
      }
    });
    c.on('error', reject);
  });
}

/**
 * The host: edk2 builds QEMU's ACPI tables for this machine and boots Linux from them; once init.sh
 * has said its facts, the guest's memory is dumped (dump-guest-memory) to `core`, an ELF core the
 * tool reads as an input.
 */
export function bootHost(a: Assets, core: string, work: string): Promise<Said> {
  const monitor = join(work, 'monitor.sock');
  rmSync(monitor, { force: true });
  return boot(
    a,
    ['-bios', a.edk2, '-kernel', a.kernel, '-initrd', a.initrd, '-append', 'dom0test=host console=ttyAMA0 panic=-1'],
    300_000,
    (m) => monitorCommand(m, `dump-guest-memory ${core}`),
    monitor,
  );
}

/**
 * dom0: the kernel started the way Xen starts dom0 — the build's device tree in x0, its region
 * loaded at its base — so Linux finds the EFI system table and memory map the build wrote, the
 * RSDP through the system table's configuration table, and every table from there. The one change
 * to dom0.dtb: /hypervisor/uefi's xen,uefi-* properties become /chosen's linux,uefi-* ones (with
 * linux,uefi-secure-boot, which Debian's kernels also read there), because a /hypervisor node
 * makes Linux issue Xen hypercalls, and there is no Xen here.
 */
export function bootDom0(a: Assets, out: string, base: bigint, work: string): Promise<Said> {
  const root = readFdt(new Uint8Array(readFileSync(join(out, 'dom0.dtb'))));
  const uefi = findNode(root, '/hypervisor/uefi');
  const chosen = root.children.find((c) => c.name === 'chosen');
  if (!uefi || !chosen) throw new Error(`${out}/dom0.dtb has no /hypervisor/uefi or /chosen`);
  chosen.props = [
    ...chosen.props.filter((p) => p.name !== 'bootargs'),
    ...uefi.props.map((p) => ({ name: p.name.replace(/^xen,/, 'linux,'), value: p.value })),
    { name: 'linux,uefi-secure-boot', value: u32(0) },
  ];
  root.children = root.children.filter((c) => c.name !== 'hypervisor');
  const dtb = join(work, `${out.split('/').pop()}.dtb`);
  writeFileSync(dtb, writeFdt(root));
  const args = [
    ...['-kernel', a.kernel, '-initrd', a.initrd, '-dtb', dtb],
    ...['-device', `loader,file=${join(out, 'acpi.img')},addr=0x${base.toString(16)},force-raw=on`],
    // ACPI although QEMU adds a memory node to the tree; the SPCR earlycon carries the log (the
    // STAO hides the UART, so no console driver binds it); no EFI runtime services (there are none)
    ...['-append', 'dom0test=dom0 acpi=force earlycon keep_bootcon efi=noruntime panic=-1'],
  ];
  // a guest that stalls in the kernel's own start-up, before its init runs (rarely, under QEMU's
  // emulation on a loaded 2-core machine: seen once in the tasks' registration), is booted once more;
  // a stall the tables cause stalls again, and fails
  return boot(a, args, 180_000).then((s) => {
    if (s.facts.has('mode')) return s;
    console.warn(`${out}: the guest never reached its init; booting it once more`);
    return boot(a, args, 180_000);
  });
}
