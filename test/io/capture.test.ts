// Memory captures of any size: raw images read through positioned reads (sparse, above 4 GiB, the
// RSDP across a scan-chunk boundary), ELF cores by their PT_LOAD segments (the same memory as a raw
// image reads the same; a pointer into a hole is one clear error), malformed cores, and a real
// QEMU dump-guest-memory capture where QEMU and its firmware are installed.
import { describe, expect, it } from 'vitest';
import { writeFileSync, openSync, writeSync, closeSync, truncateSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { readTables } from '../../src/io/read.js';
import { writeImage, readImage } from '../../src/io/image.js';
import { writeElfCore, elf32Header, elf32Phdr } from '../../src/io/elf.js';
import { bufferSource, fileSource, memoryOf, rawImage, type Segment, type Source } from '../../src/io/memory.js';
import { encodeNode, make } from '../../src/layout/codec.js';
import { allEntries, type TableSet } from '../../src/model/tableset.js';
import { BUILT, cli, DIST_SRC, SAMPLES, tmp } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** The sample's tables written at their addresses (one 4 KiB window at 0x7C430000). */
function sampleWindow(): { image: Uint8Array; base: bigint; set: TableSet } {
  const { set } = readTables(SAMPLE);
  return { ...writeImage(set), set };
}

/** What a read found, comparable across input forms: each table's address and bytes. */
const tablesOf = (set: TableSet) =>
  allEntries(set)
    .map((e) => [e.table.signature, e.address, Buffer.from(e.bytes).toString('hex')])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('ELF cores', () => {
  it('three PT_LOAD segments, tables spread over two: reads exactly as the same memory given as a raw image', () => {
    const { image, base, set } = sampleWindow();
    // split the window where no table crosses: after the highest table that ends in the first half
    const spans = allEntries(set)
      .map((e) => ({ at: Number(e.address! - base), end: Number(e.address! - base) + e.bytes.length }))
      .sort((a, b) => a.at - b.at);
    const mid = Math.floor(spans.length / 2);
    const cut = spans[mid - 1].end;
    expect(cut).toBeLessThanOrEqual(spans[mid].at);
    const core = writeElfCore([
      { paddr: 0x40000000n, bytes: new Uint8Array(0x2000).fill(0xa5), zeroTail: 0x1000 },
      { paddr: base, bytes: image.subarray(0, cut) },
      { paddr: base + BigInt(cut), bytes: image.subarray(cut) },
    ]);
    const d = tmp('elf-');
    writeFileSync(join(d, 'core.elf'), core);
    writeFileSync(join(d, 'raw.img'), image);
    const elf = readTables(join(d, 'core.elf'));
    const raw = readTables(join(d, 'raw.img'), { imageBase: base });
    expect(elf.findings).toEqual([]);
    expect(raw.findings).toEqual([]);
    expect(tablesOf(elf.set)).toEqual(tablesOf(raw.set));
    expect(tablesOf(elf.set)).toEqual(tablesOf(set));
    // tables on both sides of the cut
    const addrs = allEntries(elf.set).map((e) => e.address!);
    expect(addrs.some((a) => a < base + BigInt(cut))).toBe(true);
    expect(addrs.some((a) => a >= base + BigInt(cut))).toBe(true);
    // the RAM a build sees is the core's segments
    expect(elf.set.memory).toEqual([
      { base: 0x40000000n, size: 0x3000n },
      { base, size: BigInt(cut) },
      { base: base + BigInt(cut), size: BigInt(image.length - cut) },
    ]);
  });

  it('a pointer into a hole between segments: exit 2, one line naming the address and the table that pointed at it', async () => {
    const { image, base, set } = sampleWindow();
    const xsdt = allEntries(set).find((e) => e.table.signature === 'XSDT')!;
    const at = Number(xsdt.address! - base);
    // the first XSDT entry (offset 36) points into the hole; fix the XSDT's checksum
    const img = Buffer.from(image);
    img.writeBigUInt64LE(0x60000000n, at + 36);
    img[at + 9] = 0;
    let sum = 0;
    for (let i = 0; i < xsdt.bytes.length; i++) sum += img[at + i];
    img[at + 9] = (0x100 - (sum & 0xff)) & 0xff;
    const f = join(tmp('elf-'), 'hole.elf');
    writeFileSync(
      f,
      writeElfCore([
        { paddr: 0x40000000n, bytes: new Uint8Array(0x1000) },
        { paddr: base, bytes: img },
      ]),
    );
    const r = await cli('dump', f, '--summary', '--no-partial');
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^dom0-acpi: error: .*hole\.elf: XSDT: offset 0x[0-9A-F]+: XSDT\.entry\[0\]\.address = 0x60000000 is outside every PT_LOAD segment of the core \(0x40000000\.\.0x40001000, 0x7C430000\.\.0x7C431000\)/,
    );
  });

  it('--rsdp reads a core without the scan; a segment’s zero tail reads as zeros', () => {
    const { image, base, set } = sampleWindow();
    const f = join(tmp('elf-'), 'c.elf');
    writeFileSync(f, writeElfCore([{ paddr: base, bytes: image, zeroTail: 0x1000 }]));
    const r = readTables(f, { rsdp: set.rsdp!.address });
    expect(r.findings).toEqual([]);
    expect(tablesOf(r.set)).toEqual(tablesOf(set));
    const mem = memoryOf(bufferSource(Uint8Array.of(1, 2, 3, 4)), [{ start: 0x1000n, size: 8n, fileOffset: 0, fileSize: 4 }], 'm');
    expect([...mem.read(0x1002n, 4)!]).toEqual([3, 4, 0, 0]);
    expect(mem.read(0x1006n, 4)).toBeUndefined();
  });

  it('an ELF32 core reads too', () => {
    const { image, base, set } = sampleWindow();
    const phoff = elf32Header.layout.size;
    const data = phoff + elf32Phdr.layout.size;
    const ehdr = encodeNode(
      elf32Header,
      make(elf32Header, {
        e_ident: Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        e_type: 4,
        e_machine: 40,
        e_version: 1,
        e_phoff: phoff,
        e_ehsize: phoff,
        e_phentsize: elf32Phdr.layout.size,
        e_phnum: 1,
      }),
    );
    const ph = encodeNode(elf32Phdr, make(elf32Phdr, { p_type: 1, p_offset: data, p_paddr: Number(base), p_filesz: image.length, p_memsz: image.length }));
    const f = join(tmp('elf-'), 'c32.elf');
    writeFileSync(f, Buffer.concat([ehdr, ph, image]));
    const r = readTables(f);
    expect(r.findings).toEqual([]);
    expect(tablesOf(r.set)).toEqual(tablesOf(set));
  });

  it.each([
    [
      'a truncated core',
      (c: Buffer) => c.subarray(0, c.length - 100),
      /PT_LOAD 0 \(0x7C430000\) needs file bytes .* past the end of the file .*: a truncated core/,
    ],
    ['a big-endian ELF', (c: Buffer) => Buffer.concat([c.subarray(0, 5), Buffer.of(2), c.subarray(6)]), /a big-endian ELF \(data encoding 2\)/],
    ['an executable, not a core', (c: Buffer) => (c.writeUInt16LE(2, 16), c), /an ELF file of type 2, not a core \(4\)/],
    ['program headers past the end', (c: Buffer) => (c.writeUInt16LE(5000, 56), c), /5000 program headers at 0x40 run past the end of the file/],
    ['no PT_LOAD segment', (c: Buffer) => (c.writeUInt32LE(4, 64), c), /an ELF core without PT_LOAD segments holds no memory/],
    ['a file that ends inside the header', (c: Buffer) => c.subarray(0, 30), /the file ends at 0x1E, inside the ELF structure/],
  ])('%s: IMAGE_FORMAT, one line', (_, mangle, message) => {
    const { image, base } = sampleWindow();
    const f = join(tmp('elf-'), 'bad.elf');
    writeFileSync(f, mangle(Buffer.from(writeElfCore([{ paddr: base, bytes: image }]))));
    const { findings } = readTables(f);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'IMAGE_FORMAT', severity: 'error', message: expect.stringMatching(message) });
  });

  it('a segment declaring exabytes of memory past a few file bytes: scanned over its file part only', () => {
    const { image, base, set } = sampleWindow();
    const core = Buffer.from(writeElfCore([{ paddr: base, bytes: image }]));
    // p_memsz of the one PT_LOAD (program headers at 64; p_memsz at 40 in it): 2^62
    core.writeBigUInt64LE(1n << 62n, 64 + 40);
    const f = join(tmp('elf-'), 'huge.elf');
    writeFileSync(f, core);
    const r = readTables(f); // before: a plan of 2^39 chunks, out of memory
    expect(r.findings).toEqual([]);
    expect(tablesOf(r.set)).toEqual(tablesOf(set));
  });

  it('overlapping segments are refused', () => {
    const { image, base } = sampleWindow();
    const f = join(tmp('elf-'), 'overlap.elf');
    writeFileSync(
      f,
      writeElfCore([
        { paddr: base, bytes: image },
        { paddr: base + 0x800n, bytes: image },
      ]),
    );
    expect(readTables(f).findings).toEqual([expect.objectContaining({ code: 'IMAGE_FORMAT', message: expect.stringMatching(/overlap in physical memory/) })]);
  });
});

describe('raw images of any size', () => {
  /** A sparse file of `size` bytes with `bytes` written at `at` (no disk used for the rest). */
  function sparse(size: number, at: number, bytes: Uint8Array): string {
    const f = join(tmp('sparse-'), 'mem.img');
    writeFileSync(f, '');
    truncateSync(f, size);
    const fd = openSync(f, 'r+');
    writeSync(fd, bytes, 0, bytes.length, at);
    closeSync(fd);
    return f;
  }

  it('an RSDP that straddles two scan chunks (at 8 MiB, a chunk boundary) is found; the tables after it are read', () => {
    const { image, base, set } = sampleWindow();
    const rsdpOff = Number(set.rsdp!.address! - base);
    // put the window so that the RSDP starts 16 bytes before the 8 MiB boundary
    const at = (8 << 20) - 16 - rsdpOff;
    const f = sparse(16 << 20, at, image);
    const r = readTables(f, { imageBase: base - BigInt(at) });
    expect(r.findings).toEqual([]);
    expect(tablesOf(r.set)).toEqual(tablesOf(set));
  });

  it('a 5 GiB sparse image with the tables above 4 GiB: read through positioned reads (--rsdp)', async () => {
    const { runPasses } = await import('../../src/rewrite/pipeline.js');
    const { set } = readTables(SAMPLE);
    // the sample's tables laid out afresh at 5 GiB (a new XSDT and RSDP), as convert does
    const bare = { ...set, rsdp: set.rsdp && { ...set.rsdp, address: undefined }, tables: set.tables.map((e) => ({ ...e, address: undefined })) };
    const at = 0x140000000;
    const placed = runPasses(bare, ['xsdt', 'rsdp'], { relocate: 'all', base: BigInt(at), mem: [] });
    const f = sparse(at + placed.image.length, at, placed.image);
    const given = readTables(f, { imageBase: 0n, rsdp: placed.set.addresses.get('RSDP') });
    expect(given.findings).toEqual([]);
    expect(given.set.tables.map((e) => e.table.signature).sort()).toEqual(
      [...set.tables.map((e) => e.table.signature), 'XSDT'].filter((x, i, a) => a.indexOf(x) === i).sort(),
    );
    expect(allEntries(given.set).every((e) => e.address! >= BigInt(at))).toBe(true);
    rmSync(f);
  });

  it('the scan walks a 6 GiB capture to an RSDP near its end (a synthetic source: the kernel’s first read of file holes is slow)', () => {
    const { image, base, set } = sampleWindow();
    const size = 6 * 2 ** 30;
    const at = size - 0x2000;
    let reads = 0;
    const source: Source = {
      size,
      read(into, offset) {
        reads++;
        into.fill(0);
        // the window's bytes that fall in [offset, offset + into.length)
        const from = Math.max(at, offset);
        const to = Math.min(at + image.length, offset + into.length);
        if (from < to) into.set(image.subarray(from - at, to - at), from - offset);
        return Math.max(0, Math.min(into.length, size - offset));
      },
      close() {},
    };
    const r = readImage(rawImage(source, base - BigInt(at)), 'synthetic.img');
    expect(r.findings).toEqual([]);
    expect(tablesOf(r.set)).toEqual(tablesOf(set));
    expect(reads).toBeGreaterThan(700); // chunk by chunk, never whole
  });

  it('an image that would run past the 64-bit address space, or start below 0 (the library takes any bigint), is refused', () => {
    const { image } = sampleWindow();
    const f = join(tmp('sparse-'), 'top.img');
    writeFileSync(f, image);
    expect(readTables(f, { imageBase: 0xfffffffffffff800n }).findings).toEqual([
      expect.objectContaining({ code: 'IMAGE_FORMAT', message: "the image's 4096 bytes at --image-base 0xFFFFFFFFFFFFF800 run past the 64-bit address space" }),
    ]);
    expect(readTables(f, { imageBase: 0xfffffffffffff000n }).findings.map((x) => x.code)).not.toContain('IMAGE_FORMAT');
    expect(readTables(f, { imageBase: -4096n }).findings).toEqual([
      expect.objectContaining({ code: 'IMAGE_FORMAT', message: '--image-base -4096 is below 0' }),
    ]); // ends exactly at 2^64
  });

  it('a large file without --image-base is refused in one line, not read whole', () => {
    const f = sparse(3 * 2 ** 30, 0, new Uint8Array(8));
    const { findings } = readTables(f);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_TOO_LARGE',
        message: expect.stringMatching(/^3221225472 bytes, more than the 64 MiB a table may have: for a memory image give --image-base/),
      }),
    ]);
    rmSync(f);
  });
});

// A real capture: QEMU virt with its UEFI firmware, dumped with dump-guest-memory once the firmware
// has installed its ACPI tables (it reaches its shell), then read as any other input.
const QEMU = 'qemu-system-aarch64';
const FIRMWARE = ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd'].find(existsSync);
const HAVE_QEMU = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0 && FIRMWARE !== undefined;
if (!HAVE_QEMU) console.warn('real dump-guest-memory test skipped: qemu-system-aarch64 or qemu-efi-aarch64 is not installed');

describe.skipIf(!HAVE_QEMU)('a real QEMU dump-guest-memory capture', () => {
  it('reads every table of the guest firmware from the ELF core', { timeout: 120_000 }, async () => {
    const d = tmp('qemu-');
    const sock = join(d, 'monitor.sock');
    const serial = join(d, 'serial.log');
    const core = join(d, 'guest.elf');
    const vm = spawn(
      QEMU,
      [
        '-M',
        'virt',
        '-cpu',
        'cortex-a57',
        '-m',
        '256',
        '-nographic',
        '-bios',
        FIRMWARE!,
        '-net',
        'none',
        '-monitor',
        `unix:${sock},server,nowait`,
        '-serial',
        `file:${serial}`,
      ],
      {
        stdio: 'ignore',
      },
    );
    try {
      const { readFileSync } = await import('node:fs');
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // the firmware has installed its tables once it offers its shell (or the startup countdown)
      for (let i = 0; i < 600 && !/Shell>|startup\.nsh|Press ESC/.test(existsSync(serial) ? readFileSync(serial, 'latin1') : ''); i++) await sleep(100);
      const monitor = createConnection(sock);
      await new Promise((r) => monitor.once('connect', r));
      monitor.write(`dump-guest-memory ${core}\n`);
      for (let i = 0; i < 600; i++) {
        await sleep(100);
        // the dump is complete when QEMU answers the next command
        if (existsSync(core) && spawnSync('test', ['-s', core]).status === 0) break;
      }
      monitor.write('info status\n');
      await sleep(1000);
      monitor.end('quit\n');
      await new Promise((r) => vm.once('exit', r));
    } finally {
      vm.kill();
    }
    const r = await cli('dump', core, '--summary');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/guest\.elf: image, \d+ table\(s\)/);
    expect(r.out).toMatch(/^RSDP .* rev 2/m);
    expect(r.out).toMatch(/^FACP .*PSCI/m);
    expect(r.out).toMatch(/^APIC .*1 GICC/m);
    const check = await cli('check', core);
    expect(check.code, check.out).toBe(0);
  });
});

describe('the RSDP search', () => {
  it('finds the signature only on 8-byte boundaries, the same on aligned and unaligned buffers', async () => {
    const { scanForRsdp } = await import('../../src/io/image.js');
    const { image, set, base } = sampleWindow();
    const at = Number(set.rsdp!.address! - base);
    const big = new Uint8Array(0x10000);
    big.set(image, 0x8000); // the real one, on a boundary
    big.set(Buffer.from('RSD PTR '), 0x100 + 4); // a stray signature off the boundary
    expect(scanForRsdp(big)).toEqual([0x8000 + at]);
    // the same bytes at byteOffset 8 (aligned) and 4 (not): the offsets found are the same
    for (const shift of [8, 4]) {
      const host = new Uint8Array(big.length + 16);
      host.set(big, shift);
      expect(scanForRsdp(host.subarray(shift, shift + big.length))).toEqual([0x8000 + at]);
    }
  });
});

describe('chunks of a capture', () => {
  /** 100,000 patterned bytes in a file, mapped as two segments (the second with 10,000 zero bytes
   * past its file part). */
  function twoSegments(): { f: string; bytes: Uint8Array; segments: Segment[] } {
    const f = join(tmp('chunks-'), 'data.bin');
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
    writeFileSync(f, bytes);
    return {
      f,
      bytes,
      segments: [
        { start: 0x1000n, size: 60_000n, fileOffset: 0, fileSize: 60_000 },
        { start: 0x100000n, size: 50_000n, fileOffset: 60_000, fileSize: 40_000 },
      ],
    };
  }

  it.each([false, true])(
    'each segment’s file part only, in order, with the overlap; a walk stopped early leaves nothing behind (read ahead by a thread: %s)',
    (readAhead) => {
      const { f, bytes, segments } = twoSegments();
      const file = fileSource(f);
      let ownReads = 0; // reads by this thread (none when the thread reads ahead)
      const source: Source = { ...file, read: (into, offset) => (ownReads++, file.read(into, offset)) };
      try {
        const mem = memoryOf(source, segments, 'test');
        // the buffer is reused after the next step: read it in the loop
        const read = () => {
          const out: [bigint, number, string][] = [];
          for (const c of mem.chunks(64, { size: 4096, readAhead })) out.push([c.addr, c.own, Buffer.from(c.bytes).toString('hex')]);
          return out;
        };
        const chunks = read();
        const hex = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('hex');
        expect(chunks.length).toBe(Math.ceil(60_000 / 4096) + Math.ceil(40_000 / 4096));
        expect(chunks[0]).toEqual([0x1000n, 4096, hex(0, 4096 + 64)]);
        expect(chunks[1]).toEqual([0x2000n, 4096, hex(4096, 2 * 4096 + 64)]);
        // a segment's last chunk stops at its file part (no overlap into the next segment)
        expect(chunks[14]).toEqual([0x1000n + 14n * 4096n, 60_000 - 14 * 4096, hex(14 * 4096, 60_000)]);
        // the zero tail past a segment's file part holds no signature: not read (a malformed core may declare exabytes)
        expect(chunks.at(-1)).toEqual([0x100000n + 9n * 4096n, 40_000 - 9 * 4096, hex(60_000 + 9 * 4096, 100_000)]);
        // stopping after two chunks gives the buffer back (or stops the thread): the next walk reads the same
        let n = 0;
        for (const c of mem.chunks(64, { size: 4096, readAhead })) if (++n === 2 && c) break;
        expect(n).toBe(2);
        expect(read()).toEqual(chunks);
        if (readAhead) expect(ownReads).toBe(0);
        else expect(ownReads).toBe(2 * chunks.length + 2); // two whole walks and the two chunks of the early stop
      } finally {
        source.close();
      }
    },
  );

  it('a thread that fails (here: a file descriptor it cannot read) leaves the caller reading alone: the same chunks', () => {
    const { f, segments } = twoSegments();
    const file = fileSource(f);
    let ownReads = 0;
    const walk = (source: Source, readAhead: boolean) => {
      const out: string[] = [];
      for (const c of memoryOf(source, segments, 'test').chunks(64, { size: 4096, readAhead })) out.push(Buffer.from(c.bytes).toString('hex'));
      return out;
    };
    try {
      const direct = walk(file, false);
      const broken: Source = { ...file, fd: 2 ** 30, read: (into, offset) => (ownReads++, file.read(into, offset)) };
      expect(walk(broken, true)).toEqual(direct);
      expect(ownReads).toBe(direct.length); // every chunk, by the caller
    } finally {
      file.close();
    }
  });

  it.skipIf(!BUILT)('the read-ahead thread works whatever the process runs as (an ES module given with -e), and is left out under --jitless', () => {
    const { f, bytes, segments } = twoSegments();
    const script = `
      import { fileSource, memoryOf } from ${JSON.stringify(join(DIST_SRC, 'io', 'memory.js'))};
      const file = fileSource(${JSON.stringify(f)});
      let ownReads = 0;
      const source = { ...file, read: (into, offset) => (ownReads++, file.read(into, offset)) };
      const segments = ${JSON.stringify(segments, (_, v) => (typeof v === 'bigint' ? Number(v) : v))}.map((s) => ({ ...s, start: BigInt(s.start), size: BigInt(s.size) }));
      let text = '';
      for (const c of memoryOf(source, segments, 'test').chunks(64, { size: 4096, readAhead: true })) text += Buffer.from(c.bytes.subarray(0, c.own)).toString('hex');
      source.close();
      console.log(JSON.stringify({ text, ownReads }));`;
    const whole = Buffer.from(bytes).toString('hex');
    for (const [flags, threaded] of [
      [[], true],
      [['--jitless'], false],
    ] as const) {
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr.replace(/^Warning: disabling flag --expose_wasm.*\n/m, '')).toBe(''); // node's own notice under --jitless
      expect(r.status).toBe(0);
      const { text, ownReads } = JSON.parse(r.stdout) as { text: string; ownReads: number };
      expect(text).toBe(whole);
      expect(ownReads === 0).toBe(threaded);
    }
  });
});
