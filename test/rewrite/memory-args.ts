// Two corpus hosts describe no RAM (no SRAT) and put MMIO where the QEMU-virt defaults would put
// dom0's RAM (sbsa-ref's GIC CPU interface at 0x40060000, Morello's SMMU at 0x4F400000): the build
// refuses the defaults there, so their tests give the RAM each platform has.
export const SBSA_MEMORY = ['--mem', '0x10000000000:0x40000000', '--base', '0x10040000000'];
export const MORELLO_MEMORY = ['--mem', '0x80000000:0x40000000', '--base', '0xC0000000'];
