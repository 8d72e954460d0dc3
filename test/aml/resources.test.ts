// Resource templates (src/aml/resources.ts): every descriptor macro iasl knows, compiled from
// hand-written ASL in the test, read into its fields and printed back as ASL that iasl compiles to
// the same bytes; the corpus's templates read and printed where iasl -d prints them; malformed
// templates stay buffers, and nothing throws.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAml, type AmlObject, type AmlValue } from '../../src/aml/index.js';
import { connectionAsl, decodeResourceTemplate, templateAsl, type ResourceTemplate } from '../../src/aml/resources.js';
import { tableAsl } from '../../src/aml/set.js';
import { readTables } from '../../src/io/read.js';
import type { TableEntry } from '../../src/model/tableset.js';
import { decodeTable } from '../../src/tables/registry.js';
import { CORPUS, HAVE_CORPUS, SAMPLES } from '../helpers.js';
import { HAVE_IASL, iaslAsl } from './iasl-asl.js';

/** Compiles ASL with iasl -oa (no optimisation) to its table. */
function compile(asl: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'dom0-acpi-res-'));
  try {
    writeFileSync(join(dir, 't.asl'), asl);
    const r = spawnSync('iasl', ['-oa', '-p', join(dir, 'o'), join(dir, 't.asl')], { encoding: 'utf8' });
    if (!existsSync(join(dir, 'o.aml'))) throw new Error(r.stdout + r.stderr);
    return new Uint8Array(readFileSync(join(dir, 'o.aml')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entryOf = (bytes: Uint8Array): TableEntry => ({ table: decodeTable(bytes).table!, bytes, source: 'test' });
const sameAml = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a.subarray(36)).equals(Buffer.from(b.subarray(36)));
const ns = (bytes: Uint8Array) => readAml([{ table: 'SSDT', bytes, revision: bytes[8] }]).namespace;
const templateOf = (objects: AmlObject[], path: string): ResourceTemplate | undefined => {
  const v = objects.find((o) => o.path === path)?.value;
  return v?.type === 'buffer' ? v.resources : undefined;
};

/** Every macro, each in several flag combinations (one template a Name). */
const ALL = String.raw`DefinitionBlock ("", "SSDT", 2, "DOM0AC", "RES", 1)
{
    Name (SML1, ResourceTemplate ()
    {
        IRQ (Edge, ActiveHigh, Exclusive, ) {1, 3}
        IRQ (Level, ActiveLow, Shared, ) {15}
        IRQ (Level, ActiveLow, ExclusiveAndWake, ) {}
        IRQ (Edge, ActiveLow, SharedAndWake, ) {0, 7, 8}
        IRQNoFlags () {4}
        IRQNoFlags () {}
        DMA (Compatibility, BusMaster, Transfer8, ) {2}
        DMA (TypeA, NotBusMaster, Transfer8_16, ) {0, 7}
        DMA (TypeB, BusMaster, Transfer16, ) {}
        DMA (TypeF, NotBusMaster, Transfer16, ) {5}
        StartDependentFn (0, 1) { IO (Decode16, 0x3F8, 0x3F8, 0x01, 0x08, ) IRQNoFlags () {4} }
        StartDependentFn (2, 2) { IO (Decode16, 0x2E8, 0x2E8, 0x01, 0x08, ) }
        StartDependentFnNoPri () { IO (Decode10, 0x2F8, 0x2F8, 0x00, 0x08, ) }
        EndDependentFn ()
        FixedIO (0x0060, 0x01, )
        FixedIO (0x03FF, 0x20, )
        FixedDMA (0x0001, 0x0002, Width32bit, )
        FixedDMA (0xFFFF, 0x0000, Width256bit, )
        FixedDMA (0x0010, 0x0003, Width8bit, )
        VendorShort () {0x01, 0x02, 0x03}
        VendorShort () {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}
    })
    Name (MEM1, ResourceTemplate ()
    {
        Memory24 (ReadWrite, 0x0010, 0x0020, 0x0001, 0x0010, )
        Memory24 (ReadOnly, 0x1000, 0x2000, 0x0100, 0x0100, )
        Memory32 (ReadOnly, 0x10000000, 0x20000000, 0x00000010, 0x00001000, )
        Memory32Fixed (ReadWrite, 0xFED40000, 0x00005000, )
        Memory32Fixed (ReadOnly, 0x00000000, 0xFFFFFFFF, )
        Register (SystemMemory, 0x20, 0x00, 0x00000000FED40000, 0x03, )
        Register (FFixedHW, 0x40, 0x02, 0x0000000000000001, , )
        Register (SystemIO, 0x08, 0x00, 0x0000000000000080, 0x01, )
        Register (PCC, 0x20, 0x00, 0x0000000000000000, 0x03, )
        Register (0x42, 0x20, 0x00, 0x0000000000001000, 0x04, )
        VendorLong () {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09}
    })
    Name (ADR1, ResourceTemplate ()
    {
        DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0x00000000, 0x10000000, 0x1FFFFFFF, 0x00000000, 0x10000000, ,, , AddressRangeMemory, TypeStatic)
        DWordMemory (ResourceConsumer, SubDecode, MinNotFixed, MaxNotFixed, Prefetchable, ReadOnly, 0x00000000, 0x10000000, 0x1FFFFFFF, 0x00000000, 0x10000000, 0x01, "\\_SB.PCI0", , AddressRangeACPI, TypeTranslation)
        DWordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0x00000000, 0x00000000, 0x0000FFFF, 0x3EFF0000, 0x00010000, ,, , TypeTranslation, SparseTranslation)
        DWordIO (ResourceConsumer, MinFixed, MaxFixed, SubDecode, ISAOnlyRanges, 0x00000000, 0x00000000, 0x0000FFFF, 0x00000000, 0x00010000, 0x07,, , TypeStatic, DenseTranslation)
        DWordSpace (0xC0, ResourceConsumer, PosDecode, MinFixed, MaxFixed, 0x5A, 0x00000000, 0x00000000, 0x0000FFFF, 0x00000000, 0x00010000, ,, )
        WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0100, ,, )
        WordBusNumber (ResourceConsumer, MinNotFixed, MaxNotFixed, SubDecode, 0x0000, 0x0010, 0x001F, 0x0000, 0x0000, 0x03, "BUS0", )
        WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, NonISAOnlyRanges, 0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8, ,, , TypeStatic, DenseTranslation)
        WordSpace (0xC1, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0100, 0x02, "RSRC", )
        WordSpace (0xFF, ResourceConsumer, SubDecode, MinNotFixed, MaxNotFixed, 0x01, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0000, ,, )
        QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0x0000000000000000, 0x0000008000000000, 0x000000FFFFFFFFFF, 0x0000000000000000, 0x0000008000000000, ,, , AddressRangeReserved, TypeStatic)
        QWordMemory (ResourceConsumer, PosDecode, MinFixed, MaxFixed, WriteCombining, ReadWrite, 0x0000000000000000, 0x0000008000000000, 0x000000FFFFFFFFFF, 0x0000000000000000, 0x0000008000000000, 0x00, "\\_SB", , AddressRangeNVS, TypeTranslation)
        QWordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, ISAOnlyRanges, 0x0000000000000000, 0x0000000000000000, 0x000000000000FFFF, 0x000000003EFF0000, 0x0000000000010000, ,, , TypeStatic, DenseTranslation)
        QWordSpace (0xC2, ResourceProducer, PosDecode, MinNotFixed, MaxNotFixed, 0x00, 0x0000000000000000, 0x0000000000000000, 0x00000000000000FF, 0x0000000000000000, 0x0000000000000100, ,, )
        ExtendedMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, WriteCombining, ReadWrite, 0x0000000000000000, 0x0000008000000000, 0x000000FFFFFFFFFF, 0x0000000000000000, 0x0000008000000000, 0x0000000000000001, , AddressRangeNVS, TypeStatic)
        ExtendedIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0x0000000000000000, 0x0000000000000000, 0x000000000000FFFF, 0x0000000000000000, 0x0000000000010000, 0x0000000000000002, , TypeStatic, DenseTranslation)
        ExtendedSpace (0xC3, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00, 0x0000000000000000, 0x0000000000000000, 0x00000000000000FF, 0x0000000000000000, 0x0000000000000100, 0x0000000000000003, )
    })
    Name (INT1, ResourceTemplate ()
    {
        Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) {0x00000021}
        Interrupt (ResourceProducer, Edge, ActiveLow, SharedAndWake, 0x05, "\\_SB.GIC0", ) {0x21, 0x22, 0x23}
        Interrupt (ResourceConsumer, Edge, ActiveHigh, ExclusiveAndWake, 0x02,, ) {0xFFFFFFFF}
        Interrupt (ResourceConsumer, Level, ActiveLow, Shared, ,, ) {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48}
    })
    Name (GPI1, ResourceTemplate ()
    {
        GpioInt (Edge, ActiveHigh, Exclusive, PullUp, 0x0000, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0148}
        GpioInt (Level, ActiveBoth, SharedAndWake, PullNone, 0x1234, "\\_SB.GIO0", 0x00, ResourceConsumer, , RawDataBuffer (0x03) {0x01, 0x02, 0x03}) {0x0001}
        GpioInt (Level, ActiveLow, ExclusiveAndWake, 0x80, 0xFFFF, "GIO1", 0x05, ResourceProducer, , ) {0xFFFF}
        GpioIo (Shared, PullDown, 0x01F4, 0x0010, IoRestrictionOutputOnly, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0009}
        GpioIo (Exclusive, PullDefault, 0x0000, 0x0000, IoRestrictionNoneAndPreserve, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0009, 0x000A}
        GpioIo (SharedAndWake, PullUp, 0x0001, 0x0002, IoRestrictionInputOnly, "\\_SB.GIO0", 0x00, ResourceProducer, , RawDataBuffer (0x02) {0xAA, 0xBB}) {0x0001, 0x0002, 0x0003}
        GpioIo (Exclusive, PullNone, 0x0000, 0x0000, IoRestrictionNone, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0009}
    })
    Name (SER1, ResourceTemplate ()
    {
        I2cSerialBusV2 (0x0002, ControllerInitiated, 0x00061A80, AddressingMode7Bit, "\\_SB.I2C1", 0x00, ResourceConsumer, , Exclusive, )
        I2cSerialBusV2 (0x0102, DeviceInitiated, 0x000186A0, AddressingMode10Bit, "\\_SB.I2C1", 0x00, ResourceProducer, , Shared, RawDataBuffer (0x02) {0xAA, 0xBB})
        I2cSerialBus (0x0050, ControllerInitiated, 0x00061A80, AddressingMode7Bit, "\\_SB.I2C1", 0x00, ResourceConsumer, , )
        SpiSerialBusV2 (0x0000, PolarityLow, FourWireMode, 0x08, ControllerInitiated, 0x007A1200, ClockPolarityLow, ClockPhaseFirst, "\\_SB.SPI0", 0x00, ResourceConsumer, , Exclusive, )
        SpiSerialBusV2 (0x0001, PolarityHigh, ThreeWireMode, 0x10, DeviceInitiated, 0x007A1200, ClockPolarityHigh, ClockPhaseSecond, "\\_SB.SPI0", 0x00, ResourceConsumer, , Shared, RawDataBuffer (0x01) {0x77})
        SpiSerialBus (0x0002, PolarityLow, FourWireMode, 0x08, ControllerInitiated, 0x00100000, ClockPolarityLow, ClockPhaseFirst, "\\_SB.SPI0", 0x00, ResourceConsumer, , )
        UartSerialBusV2 (0x0001C200, DataBitsEight, StopBitsOne, 0xC0, LittleEndian, ParityTypeNone, FlowControlNone, 0x0020, 0x0020, "\\_SB.URT0", 0x00, ResourceConsumer, , Exclusive, )
        UartSerialBusV2 (0x0000E100, DataBitsSeven, StopBitsTwo, 0x30, BigEndian, ParityTypeEven, FlowControlHardware, 0x0040, 0x0010, "\\_SB.URT0", 0x00, ResourceConsumer, , Shared, )
        UartSerialBusV2 (0x00002580, DataBitsNine, StopBitsOnePlusHalf, 0x01, LittleEndian, ParityTypeOdd, FlowControlXON, 0x0001, 0x0001, "\\_SB.URT0", 0x00, ResourceConsumer, , Exclusive, )
        UartSerialBus (0x00002580, DataBitsFive, StopBitsZero, 0x02, LittleEndian, ParityTypeMark, FlowControlNone, 0x0001, 0x0001, "\\_SB.URT0", 0x00, ResourceConsumer, , )
        UartSerialBusV2 (0x00002580, DataBitsSix, StopBitsOne, 0x03, LittleEndian, ParityTypeSpace, FlowControlNone, 0x0001, 0x0001, "\\_SB.URT0", 0x00, ResourceConsumer, , Exclusive, )
    })
    Name (PIN1, ResourceTemplate ()
    {
        PinFunction (Exclusive, PullUp, 0x1234, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0001, 0x0002}
        PinFunction (Shared, 0x90, 0x0001, "\\_SB.GIO0", 0x01, ResourceConsumer, , RawDataBuffer (0x01) {0x42}) {0x0003}
        PinConfig (Shared, 0x0A, 0x00001000, "\\_SB.GIO0", 0x00, ResourceConsumer, , RawDataBuffer (0x01) {0x55}) {0x0003}
        PinConfig (Exclusive, 0x01, 0x00000000, "\\_SB.GIO0", 0x00, ResourceProducer, , ) {0x0003, 0x0004}
        PinGroup ("GRP0", ResourceProducer, , ) {0x0001, 0x0002}
        PinGroup ("GRP1", ResourceConsumer, , RawDataBuffer (0x02) {0x01, 0x02}) {0x0007}
        PinGroupFunction (Exclusive, 0x0007, "\\_SB.GIO0", 0x00, "GRP0", ResourceConsumer, , )
        PinGroupFunction (Shared, 0x0001, "\\_SB.GIO0", 0x02, "GRP1", ResourceProducer, , RawDataBuffer (0x01) {0x09})
        PinGroupConfig (Shared, 0x01, 0x00000004, "\\_SB.GIO0", 0x00, "GRP0", ResourceConsumer, , )
        PinGroupConfig (Exclusive, 0x80, 0xFFFFFFFF, "\\_SB.GIO0", 0x00, "GRP1", ResourceProducer, , )
    })
    Scope (\_SB)
    {
        Device (GIO0)
        {
            Name (_HID, "ACPI0000")
            OperationRegion (GPOR, GeneralPurposeIo, Zero, One)
            Field (GPOR, ByteAcc, NoLock, Preserve)
            {
                Connection (GpioIo (Exclusive, PullUp, 0x0000, 0x0000, IoRestrictionOutputOnly, "\\_SB.GIO0", 0x00, ResourceConsumer, , ) {0x0009}),
                GPH0, 1
            }
            OperationRegion (SBOR, GenericSerialBus, Zero, 0x0100)
            Field (SBOR, BufferAcc, NoLock, Preserve)
            {
                Connection (I2cSerialBusV2 (0x0002, ControllerInitiated, 0x00061A80, AddressingMode7Bit, "\\_SB.I2C1", 0x00, ResourceConsumer, , Exclusive, )),
                AccessAs (BufferAcc, AttribRawBytes (0x18)),
                FLD0, 192,
                Connection (I2cSerialBus (0x0003, ControllerInitiated, 0x00061A80, AddressingMode7Bit, "\\_SB.I2C1", 0x00, ResourceConsumer, , )),
                FLD1, 8
            }
        }
    }
}
`;

const TYPES: Record<string, string[]> = {
  '\\SML1': [
    ...['IRQ', 'IRQ', 'IRQ', 'IRQ', 'IRQNoFlags', 'IRQNoFlags', 'DMA', 'DMA', 'DMA', 'DMA'],
    ...['StartDependentFn', 'IO', 'IRQNoFlags', 'StartDependentFn', 'IO', 'StartDependentFnNoPri', 'IO', 'EndDependentFn'],
    ...['FixedIO', 'FixedIO', 'FixedDMA', 'FixedDMA', 'FixedDMA', 'VendorShort', 'VendorShort'],
  ],
  '\\MEM1': ['Memory24', 'Memory24', 'Memory32', 'Memory32Fixed', 'Memory32Fixed', 'Register', 'Register', 'Register', 'Register', 'Register', 'VendorLong'],
  '\\ADR1': [
    ...['DWordMemory', 'DWordMemory', 'DWordIO', 'DWordIO', 'DWordSpace', 'WordBusNumber', 'WordBusNumber', 'WordIO', 'WordSpace', 'WordSpace'],
    ...['QWordMemory', 'QWordMemory', 'QWordIO', 'QWordSpace', 'ExtendedMemory', 'ExtendedIO', 'ExtendedSpace'],
  ],
  '\\INT1': ['Interrupt', 'Interrupt', 'Interrupt', 'Interrupt'],
  '\\GPI1': ['GpioInt', 'GpioInt', 'GpioInt', 'GpioIo', 'GpioIo', 'GpioIo', 'GpioIo'],
  '\\SER1': [
    ...['I2cSerialBusV2', 'I2cSerialBusV2', 'I2cSerialBus', 'SpiSerialBusV2', 'SpiSerialBusV2', 'SpiSerialBus'],
    ...['UartSerialBusV2', 'UartSerialBusV2', 'UartSerialBusV2', 'UartSerialBus', 'UartSerialBusV2'],
  ],
  '\\PIN1': [
    'PinFunction',
    'PinFunction',
    'PinConfig',
    'PinConfig',
    'PinGroup',
    'PinGroup',
    'PinGroupFunction',
    'PinGroupFunction',
    'PinGroupConfig',
    'PinGroupConfig',
  ],
};

/** A template of one descriptor (and the End Tag), as bytes. */
const tpl = (...d: number[]) => new Uint8Array([...d, 0x79, 0x00]);
/** Memory32Fixed (ReadWrite, 0xFED40000, 0x5000) */
const M32F = [0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xd4, 0xfe, 0x00, 0x50, 0x00, 0x00];

describe('resource templates', () => {
  it.skipIf(!HAVE_IASL)('every macro, compiled by iasl, reads into its descriptors and fields', () => {
    const objects = ns(compile(ALL));
    for (const [path, types] of Object.entries(TYPES))
      expect(
        templateOf(objects, path)?.descriptors.map((d) => d.type),
        path,
      ).toEqual(types);
    const field = (path: string, i: number) => templateOf(objects, path)!.descriptors[i].fields;
    expect(field('\\SML1', 0)).toMatchObject({ interrupts: [1, 3], mode: 1, polarity: 0, sharing: 0 });
    expect(field('\\SML1', 3)).toMatchObject({ interrupts: [0, 7, 8], mode: 1, polarity: 1, sharing: 3 });
    expect(field('\\SML1', 7)).toMatchObject({ channels: [0, 7], speed: 1, busMaster: 0, transferSize: 1 });
    expect(field('\\SML1', 10)).toMatchObject({ compatibility: 0, performance: 1 });
    expect(field('\\SML1', 11)).toMatchObject({ decode16: 1, min: 0x3f8, max: 0x3f8, alignment: 1, length: 8 });
    expect(field('\\SML1', 18)).toMatchObject({ base: 0x60, length: 1 });
    expect(field('\\SML1', 21)).toMatchObject({ requestLine: 0xffff, channel: 0, width: 5 });
    expect(Array.from(field('\\SML1', 23).data as Uint8Array)).toEqual([1, 2, 3]);
    expect(field('\\MEM1', 3)).toMatchObject({ readWrite: 1, base: 0xfed40000, length: 0x5000 });
    expect(field('\\MEM1', 5)).toMatchObject({ space: 0, bitWidth: 0x20, bitOffset: 0, accessSize: 3, address: 0xfed40000n });
    expect(field('\\ADR1', 1)).toMatchObject({
      usage: 1,
      decode: 1,
      minFixed: 0,
      maxFixed: 0,
      cache: 3,
      readWrite: 0,
      rangeType: 2,
      translationType: 1,
      granularity: 0,
      min: 0x10000000,
      max: 0x1fffffff,
      translation: 0,
      length: 0x10000000,
      sourceIndex: 1,
      source: '\\_SB.PCI0',
    });
    expect(field('\\ADR1', 2)).toMatchObject({ isaRanges: 3, translationType: 1, translationSparse: 1, translation: 0x3eff0000 });
    expect(field('\\ADR1', 3)).toMatchObject({ sourceIndex: 7 });
    expect(field('\\ADR1', 3).source).toBeUndefined();
    expect(field('\\ADR1', 6)).toMatchObject({ min: 0x10, max: 0x1f, sourceIndex: 3, source: 'BUS0' });
    expect(field('\\ADR1', 10)).toMatchObject({ min: 0x8000000000n, max: 0xffffffffffn, length: 0x8000000000n });
    expect(field('\\ADR1', 14)).toMatchObject({ cache: 2, rangeType: 3, typeSpecificAttributes: 1n });
    expect(field('\\INT1', 1)).toMatchObject({
      usage: 0,
      mode: 1,
      polarity: 1,
      sharing: 3,
      interrupts: [0x21, 0x22, 0x23],
      sourceIndex: 5,
      source: '\\_SB.GIC0',
    });
    expect(field('\\INT1', 3).interrupts).toHaveLength(9);
    expect(field('\\GPI1', 1)).toMatchObject({ mode: 0, polarity: 2, sharing: 3, pinConfig: 3, debounceTimeout: 0x1234, pins: [1], source: '\\_SB.GIO0' });
    expect(Array.from(field('\\GPI1', 1).vendorData as Uint8Array)).toEqual([1, 2, 3]);
    expect(field('\\GPI1', 5)).toMatchObject({ sharing: 3, pinConfig: 1, ioRestriction: 1, debounceTimeout: 1, driveStrength: 2, pins: [1, 2, 3], usage: 0 });
    expect(field('\\SER1', 1)).toMatchObject({ address: 0x102, mode: 1, speed: 100000, addressing10Bit: 1, shared: 1, usage: 0, source: '\\_SB.I2C1' });
    expect(field('\\SER1', 2)).toMatchObject({ revision: 1, address: 0x50 });
    expect(field('\\SER1', 4)).toMatchObject({ deviceSelection: 1, devicePolarity: 1, wireMode: 1, dataBitLength: 16, clockPolarity: 1, clockPhase: 1 });
    expect(field('\\SER1', 7)).toMatchObject({
      baudRate: 0xe100,
      dataBits: 2,
      stopBits: 3,
      bigEndian: 1,
      parity: 1,
      flowControl: 1,
      rxFifo: 0x40,
      txFifo: 0x10,
      linesEnabled: 0x30,
    });
    expect(field('\\PIN1', 1)).toMatchObject({ sharing: 1, pinConfig: 0x90, functionNumber: 1, sourceIndex: 1, pins: [3] });
    expect(field('\\PIN1', 3)).toMatchObject({ sharing: 0, usage: 0, configType: 1, configValue: 0, pins: [3, 4] });
    expect(field('\\PIN1', 5)).toMatchObject({ label: 'GRP1', usage: 1, pins: [7] });
    expect(field('\\PIN1', 7)).toMatchObject({ sharing: 1, usage: 0, functionNumber: 1, sourceIndex: 2, source: '\\_SB.GIO0', label: 'GRP1' });
    expect(field('\\PIN1', 9)).toMatchObject({ configType: 0x80, configValue: 0xffffffff, label: 'GRP1' });
  });

  it.skipIf(!HAVE_IASL)('prints each template as ResourceTemplate () and each Connection as its macro, and iasl compiles them back to the same bytes', () => {
    const aml = compile(ALL);
    const asl = tableAsl(entryOf(aml));
    // no byte lists: every buffer of the table is a template or a Connection's descriptor
    expect(asl).not.toMatch(/(?<!RawData)Buffer \(/);
    expect(asl.match(/ResourceTemplate \(\)/g)).toHaveLength(Object.keys(TYPES).length);
    expect(asl).toMatch(/Connection \(\n\s+GpioIo \(Exclusive, PullUp, 0x0000, 0x0000, IoRestrictionOutputOnly,\n/);
    expect(asl).toMatch(/Connection \(\n\s+I2cSerialBus \(0x0003, ControllerInitiated, 0x00061A80,\n/);
    // iasl -d's layout: rows with their comments, lists in braces
    expect(asl).toContain(
      '        Memory32Fixed (ReadWrite,\n            0xFED40000,         // Address Base\n            0x00005000,         // Address Length\n            )\n',
    );
    expect(asl).toContain('        Interrupt (ResourceProducer, Edge, ActiveLow, SharedAndWake, 0x05, "\\\\_SB.GIC0", )\n        {\n            0x00000021,\n');
    expect(asl).toContain('        StartDependentFn (0x00, 0x01)\n        {\n            IO (Decode16,');
    expect(sameAml(compile(asl), aml)).toBe(true);
    // iasl's own ASL writes the revision-1 serial buses as V2: ours keep their bytes
    expect(sameAml(compile(iaslAsl(aml)), aml)).toBe(false);
  });

  it.skipIf(!HAVE_IASL)('prints the byte list, which compiles back, where a macro would not give the bytes back', () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => '0x' + x.toString(16).padStart(2, '0')).join(', ');
    const bufs = [
      tpl(0x86, 0x09, 0x00, 0x81, 0, 0, 0xd4, 0xfe, 0, 0x50, 0, 0), // a reserved flag bit
      new Uint8Array([...M32F, 0x79, 0x5a]), // an End Tag checksum
      tpl(0x93, 0x02, 0x00, 0xaa, 0xbb), // a large type newer than iasl's
      tpl(0x8e, 0x0a, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00), // a CSI-2 bus
      tpl(0x31, 0x00, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08), // a StartDependentFn with no end
      tpl(0x38), // an EndDependentFn with no start
      // a DWord bus number range: no DWordBusNumber macro, and DWordSpace takes types 0xC0-0xFF only
      tpl(0x87, 0x17, 0x00, 0x02, 0x0c, 0x00, ...new Array<number>(8).fill(0), 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0),
    ];
    const src = `DefinitionBlock ("", "SSDT", 2, "DOM0AC", "BAD", 1)\n{\n${bufs.map((b, i) => `    Name (BAD${i}, Buffer (0x${b.length.toString(16)}) { ${hex(b)} })\n`).join('')}}\n`;
    const aml = compile(src);
    const asl = tableAsl(entryOf(aml));
    expect(asl).not.toContain('ResourceTemplate');
    expect(sameAml(compile(asl), aml)).toBe(true);
    // they are templates all the same: the namespace has their descriptors
    const objects = ns(aml);
    expect(bufs.map((_b, i) => templateOf(objects, `\\BAD${i}`)?.descriptors.map((d) => d.type))).toEqual([
      ['Memory32Fixed'],
      ['Memory32Fixed'],
      ['Unknown'],
      ['Unknown'],
      ['StartDependentFn', 'IO'],
      ['EndDependentFn'],
      ['DWordSpace'],
    ]);
  });

  it.skipIf(!HAVE_IASL)('the corpus: templates read in the namespace, and printed as macros wherever iasl -d prints them', () => {
    const tables: { name: string; bytes: Uint8Array }[] = [];
    const fromSet = (label: string, input: string) => {
      for (const e of readTables(input).set.tables)
        if (e.table.signature === 'DSDT' || e.table.signature === 'SSDT') tables.push({ name: label, bytes: e.bytes });
    };
    for (const s of readdirSync(SAMPLES)) if (existsSync(join(SAMPLES, s, 'acpidump.txt'))) fromSet(s, join(SAMPLES, s, 'acpidump.txt'));
    if (HAVE_CORPUS) {
      for (const d of readdirSync(CORPUS)) if (existsSync(join(CORPUS, d, 'acpidump.txt'))) fromSet(d, join(CORPUS, d, 'acpidump.txt'));
      const q = join(CORPUS, 'qualcomm-aml');
      for (const f of readdirSync(q).filter((x) => x.endsWith('.aml'))) tables.push({ name: f, bytes: new Uint8Array(readFileSync(join(q, f))) });
    }
    let templates = 0;
    let descriptors = 0;
    const count = (v: AmlValue | undefined) => {
      const stack = v ? [v] : [];
      while (stack.length) {
        const x = stack.pop()!;
        if (x.type === 'buffer' && x.resources) {
          templates++;
          descriptors += x.resources.descriptors.length;
        }
        if (x.type === 'package') stack.push(...x.elements);
      }
    };
    for (const { name, bytes } of tables) {
      for (const o of ns(bytes)) count(o.value);
      const macros = (asl: string) => (asl.match(/ResourceTemplate \(\)|Connection \(\s*\n/g) ?? []).length;
      expect(macros(tableAsl(entryOf(bytes))), name).toBe(macros(iaslAsl(bytes)));
    }
    // the Names' templates (those in method bodies are no namespace objects)
    expect(templates).toBeGreaterThanOrEqual(HAVE_CORPUS ? 800 : 4);
    expect(descriptors).toBeGreaterThanOrEqual(HAVE_CORPUS ? 1000 : 8);
  });

  it('malformed templates stay buffers: a bad length, no End Tag, cut short, bytes after the End Tag, an unknown type', () => {
    expect(decodeResourceTemplate(tpl(...M32F))?.descriptors).toEqual([
      { type: 'Memory32Fixed', offset: 0, length: 12, fields: { readWrite: 1, base: 0xfed40000, length: 0x5000 } },
    ]);
    const bad = [
      tpl(0x86, 0x0a, 0x00, ...M32F.slice(3), 0x00), // Memory32Fixed is 9 bytes after its header
      new Uint8Array(M32F), // no End Tag
      tpl(...M32F).subarray(0, 13), // the End Tag cut
      tpl(...M32F.slice(0, 8)), // the descriptor cut
      new Uint8Array([...M32F, 0x79, 0x00, 0x00]), // a byte after the End Tag
      tpl(0x01, 0x00), // small type 0 is reserved
      tpl(0x83, 0x00, 0x00), // large type 3 is reserved
      tpl(0x8e, 0x09, 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 1, 0, 0), // serial bus type 0
      tpl(0x89, 0x06, 0x00, 0x01, 0x05, 0x21, 0x00, 0x00, 0x00), // an interrupt count past the descriptor
      tpl(0x8c, 0x14, 0x00, ...new Array<number>(11).fill(0), 0x40, 0x00, ...new Array<number>(7).fill(0)), // a pin table past the descriptor
      new Uint8Array([0x79, 0x00]), // a lone End Tag: iasl -d reads no 2-byte buffer as a template
    ];
    for (const b of bad) {
      expect(decodeResourceTemplate(b), Buffer.from(b).toString('hex')).toBeUndefined();
      expect(templateAsl(b, 0)).toBeUndefined();
    }
    // a Connection's buffer is one descriptor without an End Tag
    expect(connectionAsl(new Uint8Array(M32F), 0)).toMatch(/^Memory32Fixed \(ReadWrite,/);
    expect(connectionAsl(tpl(...M32F), 0)).toBeUndefined();
  });

  it.skipIf(!HAVE_IASL)('never throws: every byte of real templates changed, and every length cut', () => {
    const aml = compile(ALL);
    const objects = ns(aml);
    let read = 0;
    for (const path of Object.keys(TYPES)) {
      const v = objects.find((o) => o.path === path)!.value!;
      if (v.type !== 'buffer') continue;
      for (let i = 0; i < v.bytes.length; i++) {
        for (const x of [0x00, 0xff, v.bytes[i] ^ 0x80, v.bytes[i] + 1]) {
          const b = v.bytes.slice();
          b[i] = x & 0xff;
          if (decodeResourceTemplate(b)) read++;
          templateAsl(b, 1);
          connectionAsl(b, 1);
        }
        decodeResourceTemplate(v.bytes.subarray(0, i));
        templateAsl(v.bytes.subarray(0, i), 1);
      }
    }
    expect(read).toBeGreaterThan(100);
  });
});
