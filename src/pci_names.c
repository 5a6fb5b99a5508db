/* pci_names.c: names for PCI class codes (PCI Code and ID Assignment
 * Specification 1.11) and for the vendors a person bringing up a PC meets. */
#include "kernel.h"
#include "pci.h"

struct class_name {
	uint8_t cls, sub, prog_if, match_prog_if;
	const char *name;
};

static const struct class_name class_names[] = {
	{ 0x00, 0x00, 0, 0, "unclassified device" }, { 0x00, 0x01, 0, 0, "VGA-compatible device" },
	{ 0x01, 0x00, 0, 0, "SCSI controller" }, { 0x01, 0x01, 0, 0, "IDE controller" },
	{ 0x01, 0x04, 0, 0, "RAID controller" }, { 0x01, 0x05, 0, 0, "ATA controller" },
	{ 0x01, 0x06, 0x01, 1, "SATA controller (AHCI)" }, { 0x01, 0x06, 0, 0, "SATA controller" },
	{ 0x01, 0x07, 0, 0, "SAS controller" }, { 0x01, 0x08, 0x02, 1, "NVMe controller" },
	{ 0x01, 0x08, 0, 0, "non-volatile memory controller" }, { 0x01, 0x00, 0, 0, "storage controller" },
	{ 0x02, 0x00, 0, 0, "Ethernet controller" }, { 0x02, 0x80, 0, 0, "network controller" },
	{ 0x03, 0x00, 0, 0, "VGA controller" }, { 0x03, 0x02, 0, 0, "3D controller" },
	{ 0x03, 0x80, 0, 0, "display controller" },
	{ 0x04, 0x01, 0, 0, "audio device" }, { 0x04, 0x03, 0, 0, "HD audio controller" },
	{ 0x05, 0x00, 0, 0, "RAM controller" }, { 0x05, 0x80, 0, 0, "memory controller" },
	{ 0x06, 0x00, 0, 0, "host bridge" }, { 0x06, 0x01, 0, 0, "ISA bridge" },
	{ 0x06, 0x04, 0, 0, "PCI bridge" }, { 0x06, 0x80, 0, 0, "bridge" },
	{ 0x07, 0x00, 0, 0, "serial controller" }, { 0x07, 0x80, 0, 0, "communication controller" },
	{ 0x08, 0x00, 0, 0, "interrupt controller" }, { 0x08, 0x05, 0, 0, "SD host controller" },
	{ 0x08, 0x80, 0, 0, "system peripheral" }, { 0x09, 0x00, 0, 0, "keyboard controller" },
	{ 0x0C, 0x03, 0x00, 1, "USB UHCI controller" }, { 0x0C, 0x03, 0x10, 1, "USB OHCI controller" },
	{ 0x0C, 0x03, 0x20, 1, "USB EHCI controller" }, { 0x0C, 0x03, 0x30, 1, "USB xHCI controller" },
	{ 0x0C, 0x03, 0, 0, "USB controller" }, { 0x0C, 0x05, 0, 0, "SMBus controller" },
	{ 0x0C, 0x00, 0, 0, "FireWire controller" }, { 0x0C, 0x80, 0, 0, "serial bus controller" },
	{ 0x0D, 0x80, 0, 0, "wireless controller" }, { 0x10, 0x00, 0, 0, "encryption controller" },
	{ 0x11, 0x00, 0, 0, "signal processing controller" }, { 0x12, 0x00, 0, 0, "processing accelerator" },
	{ 0xFF, 0x00, 0, 0, "vendor-specific device" },
};

static const char *const class_fallback[] = {
	"unclassified device", "storage controller", "network controller", "display controller",
	"multimedia device", "memory controller", "bridge", "communication controller",
	"system peripheral", "input device", "docking station", "processor", "serial bus controller",
	"wireless controller", "intelligent controller", "satellite controller", "encryption controller",
	"signal processing controller", "processing accelerator", "instrumentation",
};

const char *pci_class_name(uint8_t cls, uint8_t sub, uint8_t prog_if)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++) {
		const struct class_name *c = &class_names[i];

		if (c->cls == cls && c->sub == sub && (!c->match_prog_if || c->prog_if == prog_if))
			return c->name;
	}
	return cls < ARRAY_SIZE(class_fallback) ? class_fallback[cls] : "unknown class";
}

static const struct {
	uint16_t id;
	const char *name;
} vendor_names[] = {
	{ 0x8086, "Intel" }, { 0x8087, "Intel" }, { 0x1022, "AMD" }, { 0x1002, "AMD/ATI" },
	{ 0x1AF4, "Red Hat (virtio)" }, { 0x1B36, "Red Hat (QEMU)" }, { 0x1234, "QEMU (Bochs VGA)" },
	{ 0x10DE, "NVIDIA" }, { 0x10EC, "Realtek" }, { 0x14E4, "Broadcom" }, { 0x1000, "Broadcom/LSI" },
	{ 0x144D, "Samsung" }, { 0x15AD, "VMware" }, { 0x80EE, "VirtualBox" }, { 0x1B4B, "Marvell" },
	{ 0x1106, "VIA" }, { 0x1912, "Renesas" }, { 0x1C5C, "SK hynix" }, { 0x15B7, "Western Digital" },
	{ 0x1179, "Toshiba" }, { 0x1E0F, "KIOXIA" }, { 0x168C, "Qualcomm Atheros" }, { 0x17CB, "Qualcomm" },
	{ 0x1D6A, "Aquantia" }, { 0x126F, "Silicon Motion" }, { 0x1987, "Phison" }, { 0x2646, "Kingston" },
	{ 0x1CC1, "ADATA" }, { 0x15B3, "Mellanox" }, { 0x1077, "QLogic" }, { 0x1425, "Chelsio" },
	{ 0x19E5, "Huawei" }, { 0x1D0F, "Amazon" }, { 0x1414, "Microsoft" }, { 0x103C, "HP" },
	{ 0x1028, "Dell" }, { 0x1B21, "ASMedia" }, { 0x197B, "JMicron" }, { 0x1095, "Silicon Image" },
	{ 0x11AB, "Marvell" }, { 0x1969, "Qualcomm Atheros" }, { 0x1217, "O2 Micro" }, { 0x1180, "Ricoh" },
	{ 0x104C, "Texas Instruments" }, { 0x1033, "NEC" }, { 0x1CF0, "Intel (Solidigm)" }, { 0x025E, "Solidigm" },
};

const char *pci_vendor_name(uint16_t vendor)
{
	for (size_t i = 0; i < ARRAY_SIZE(vendor_names); i++)
		if (vendor_names[i].id == vendor)
			return vendor_names[i].name;
	return "unknown vendor";
}
