#!/bin/busybox sh
# The initramfs's /init for test/boot: loads the virtio modules, reads what the tests assert, and
# says each fact as a "DOM0TEST key=value" line on the kernel log. The log reaches the serial port
# through the SPCR earlycon, which stays on: the STAO hides the UART from the ACPI device scan, so
# no ttyAMA0 console comes up. Then it powers off (the host boot waits to have its memory dumped).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "DOM0TEST $*" > /dev/kmsg; }
mode=$(sed -n 's/.*dom0test=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
for m in virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio-rng; do insmod /lib/modules/$m.ko; done
# the PCI device probes asynchronously: wait for the RNG it provides
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/hwrng ] && break; sleep 1; done
say "mode=$mode"
say "kernel=$(uname -r)"
say "cpus_online=$(cat /sys/devices/system/cpu/online)"
say "iommus=$(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')"
# a read the device never answers (its MSIs lost) gives up after 15 s
say "hwrng_bytes=$(timeout 15 head -c 64 /dev/hwrng 2>/dev/null | wc -c)"
grep virtio /proc/interrupts | while read l; do say "irq $l"; done
dmesg | grep -i "firmware bug" | while read l; do say "fwbug $l"; done
dmesg | grep "in SPCR table will be hidden" | while read l; do say "spcr $l"; done
# each ACPI device Linux made an object for: its path and _STA ("-": none), and the platform
# devices the scan created (the ones a driver can bind)
for d in /sys/bus/acpi/devices/*; do [ -e $d/path ] && say "acpi $(cat $d/path) $(cat $d/status 2>/dev/null || echo -)"; done
say "platform $(ls /sys/bus/platform/devices | tr '\n' ' ')"
say "done"
if [ "$mode" = host ]; then sleep 600; fi
poweroff -f
