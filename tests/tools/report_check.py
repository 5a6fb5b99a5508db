#!/usr/bin/env python3
# report_check.py: checks the document of Ingot's `report` (tests/expect/report.exp)
# against what QEMU was given and what other commands and QEMU say. Prints one
# line per check, "ok NAME" or "bad NAME REASON"; report.exp turns them into
# PASS/FAIL lines.
# Usage: report_check.py DIR   (DIR holds report.json, expect.json: the values
#        given to QEMU and the parts to check; mem.txt, acpi.txt, query-pci.json
#        and info-usb.txt for the parts that compare with them)
import json
import os
import re
import sys

d = sys.argv[1]
rep = json.load(open(os.path.join(d, "report.json")))
want = json.load(open(os.path.join(d, "expect.json")))


def check(name, cond, reason=""):
    print(("ok %s" % name) if cond else ("bad %s %s" % (name, reason)), flush=True)


def text(name):
    with open(os.path.join(d, name)) as f:
        return f.read()


def keys():
    check("sections", list(rep) == ["format"] + want["sections"], "keys %s" % list(rep))
    check("format", rep.get("format") == 1, "format %r" % rep.get("format"))


def kernel_boot():
    k, b = rep["kernel"], rep["boot"]
    check("kernel.version", re.fullmatch(r"\d+\.\d+\.\d+", k["version"]) is not None, k["version"])
    check("kernel.sizes", k["image_bytes"] == k["text_bytes"] + k["rodata_bytes"] + k["data_bytes"], str(k))
    check("boot.firmware", b["firmware"] == want["firmware"], b["firmware"])
    check("boot.loader", want["loader"] in (b["loader"] or ""), "loader %r" % b["loader"])
    check("boot.modules", len(b["modules"]) == 1 and b["modules"][0]["bytes"] > 0, str(b["modules"]))
    fb = b["framebuffer"]
    check("boot.framebuffer", (fb and fb["type"]) == ("rgb" if want["firmware"] == "uefi" else "text"), str(fb))


def cpu_cores():
    c, cs = rep["cpu"], rep["cores"]
    check("cpu.flags", "fpu" in c["flags"] and "lm" in c["flags"], str(c["flags"]))
    check("cpu.xcr0", int(c["xcr0"], 16) & 3 == 3 or c["xcr0"] == "0x0", c["xcr0"])
    check("cpu.tsc", (c["tsc_hz"] or 0) > 100000000, str(c["tsc_hz"]))
    n = want["cores"]
    check("cores.count", cs["count"] == n and cs["online"] == n and len(cs["list"]) == n, str(cs)[:300])
    topo = [cs["packages"], cs["cores"], cs["threads"]]
    check("cores.topology", topo == want["topology"], "packages, cores, threads %s, QEMU %s" % (topo, want["topology"]))
    ids = [x["apic_id"] for x in cs["list"]]
    check("cores.apic_ids", len(set(ids)) == n, str(ids))
    khz = [x["tsc_khz"] for x in cs["list"]]
    check("cores.tsc_khz", all(k and abs(k * 1000 - c["tsc_hz"]) < c["tsc_hz"] / 10 for k in khz),
          "%s vs %s Hz" % (khz, c["tsc_hz"]))


def memory():
    m = rep["memory"]
    r = re.search(r"^RAM: (\d+) MiB \(usable (\d+) KiB\)$", text("mem.txt"), re.M)
    check("memory.mem_total", r and (m["ram_bytes"] + 2**20 - 1) // 2**20 == int(r.group(1)),
          "mem says %s, report %d bytes" % (r and r.group(0), m["ram_bytes"]))
    check("memory.mem_usable", r and m["usable_bytes"] // 1024 == int(r.group(2)), str(m["usable_bytes"]))
    mib = want["mem_mib"]
    check("memory.total", mib * 2**20 - 16 * 2**20 <= m["ram_bytes"] <= mib * 2**20, str(m["ram_bytes"]))
    usable = sum(e["bytes"] for e in m["map"] if e["type"] == 1)
    check("memory.map", usable == m["usable_bytes"], "map %d, usable %d" % (usable, m["usable_bytes"]))
    region = m["program_region"]
    check("memory.region", 0 < region["bytes"] <= m["free_bytes"], str(region))
    check("memory.owned", any(o["name"] == "page tables" for o in m["kernel_owned"]), str(m["kernel_owned"])[:300])


def numa():
    nodes = rep["numa"]["nodes"]
    w = want["numa"]
    check("numa.tables", rep["numa"]["srat"] and rep["numa"]["slit"], str(rep["numa"]))
    check("numa.nodes", [n["id"] for n in nodes] == list(range(len(w))), str(nodes))
    for n, (cores, dist) in zip(nodes, w):
        check("numa.%d.cores" % n["id"], n["cores"] == cores, str(n))
        check("numa.%d.distances" % n["id"], n["distances"] == dist, str(n))
    total = sum(m["bytes"] for n in nodes for m in n["memory"])
    # The SRAT's ranges leave out the legacy hole below 1 MiB.
    check("numa.memory", (want["mem_mib"] - 1) * 2**20 <= total <= want["mem_mib"] * 2**20, "%d bytes in the nodes" % total)


def smbios():
    s = rep["smbios"]
    t1 = [x for x in s["structures"] if x["type"] == 1]
    check("smbios.version", re.fullmatch(r"\d+\.\d+(\.\d+)?", s["version"] or "") is not None, str(s["version"]))
    check("smbios.source", s["source"] == want["smbios_source"], s["source"])
    check("smbios.type1", len(t1) == 1, str(t1))
    for k, v in want["smbios1"].items():
        check("smbios.type1." + k, t1 and t1[0]["fields"].get(k) == v, "%s: %r" % (k, t1 and t1[0]["fields"].get(k)))
    check("smbios.end", s["structures"][-1]["type"] == 127, str(s["structures"][-1]))


def acpi():
    want_t = []
    for sig, addr, length, status in re.findall(r"^(\S{4})  ([0-9a-f]{16})  +(\d+)  .*  (\S+)$", text("acpi.txt"), re.M):
        want_t.append([sig, int(addr, 16), int(length), {"ok": "ok", "BAD": "bad", "none": "none"}.get(status, status)])
    got = [[t["signature"], int(t["address"], 16), t["length"], t["checksum"]] for t in rep["acpi"]["tables"]]
    check("acpi.tables", got == want_t and len(got) >= 5, "report %s, acpi %s" % (got, want_t))
    check("acpi.valid", all(t["valid"] and re.fullmatch(r"0x[0-9a-f]{8}", t["crc32"]) for t in rep["acpi"]["tables"]),
          str(rep["acpi"]["tables"])[:300])
    check("acpi.processors", rep["acpi"]["processors"] == want["cores"], str(rep["acpi"]["processors"]))


def qmp_functions(devs, out):
    for x in devs:
        out.add("%02x:%02x.%x %04x:%04x %06x" % (x["bus"], x["slot"], x["function"], x["id"]["vendor"],
                                                  x["id"]["device"], x["class_info"]["class"] << 8))
        if "pci_bridge" in x:
            qmp_functions(x["pci_bridge"].get("devices", []), out)
    return out


def pci():
    q = json.loads(text("query-pci.json"))["return"]
    want_f = qmp_functions([x for bus in q for x in bus["devices"]], set())
    got = set("%s %s:%s %s" % (f["address"], f["vendor_id"][2:], f["device_id"][2:], f["class"][2:])
              for f in rep["pci"]["functions"])
    # QEMU's class has no programming interface: compare class and subclass only.
    got = set(x[:-2] + "00" for x in got)
    check("pci.functions", got == want_f and len(got) >= 8, "report %s, QEMU %s" % (sorted(got), sorted(want_f)))
    nvme = [f for f in rep["pci"]["functions"] if f["class"] == "0x010802"]
    check("pci.nvme_bars", nvme and nvme[0]["bars"] and nvme[0]["bars"][0]["bytes"] >= 8192, str(nvme)[:300])
    check("pci.caps", nvme and any(c["name"] == "msi-x" for c in nvme[0]["capabilities"]), str(nvme)[:300])


def disks():
    by = {x["name"]: x for x in rep["disks"]}
    for name, w in want["disks"].items():
        x = by.get(name)
        check("disks.%s.listed" % name, x is not None, str(list(by)))
        if not x:
            continue
        check("disks.%s.size" % name, x["sectors"] * x["sector_size"] == w["bytes"] == x["bytes"],
              "%d x %d, image %d" % (x["sectors"], x["sector_size"], w["bytes"]))
        check("disks.%s.driver" % name, x["driver"] == w["driver"] and x["bus"] == ("usb" if name.startswith("usb") else "pci"),
              "%s on %s" % (x["driver"], x["bus"]))
        if "serial" in w:
            check("disks.%s.serial" % name, x["serial"] == w["serial"], str(x["serial"]))
        if "label" in w:
            check("disks.%s.fat" % name, x["fat"] and x["fat"]["label"] == w["label"], str(x["fat"]))


def nics():
    n = rep["nics"]
    check("nics.mac", len(n) == 1 and n[0]["mac"] == want["mac"], str(n))
    check("nics.pci", n and n[0]["vendor_id"] == "0x8086" and n[0]["device_id"] == "0x100e", str(n))


def usb():
    u = rep["usb"]
    ids = sorted("%s:%s" % (x["vid"][2:], x["pid"][2:]) for x in u["devices"])
    check("usb.controllers", len(u["controllers"]) == 1, str(u["controllers"]))
    check("usb.ids", ids == sorted(want["usb_ids"]), "report %s, QEMU %s" % (ids, want["usb_ids"]))
    # info usb names a device by QEMU's model ("QEMU USB MSD"), not always by its
    # string descriptor: the keyboard's is both.
    products = [p.strip() for p in re.findall(r"Product (.*)$", text("info-usb.txt"), re.M)]
    got = [x["product"] for x in u["devices"]]
    check("usb.products", len(got) == len(products) and "QEMU USB Keyboard" in got and "QEMU USB Keyboard" in products,
          "report %s, info usb %s" % (got, products))
    kbd = [x for x in u["devices"] if x["vid"] == "0x0627"]
    check("usb.kbd", kbd and kbd[0]["driver"] and kbd[0]["interfaces"][0]["class"] == "0x03", str(kbd))


def consoles():
    c = rep["consoles"]
    check("consoles.serial", any(o["kind"] == "serial" and o["selected"] for o in c["outputs"]), str(c))


def hw():
    m = rep["mce"]
    check("mce.cores", m["present"] and len(m["cores"]) == want["cores"] and m["banks"] == int(m["mcg_cap"], 16) & 0xFF, str(m)[:300])
    hit = [r for r in m["log"] if r["core"] == 1 and r["bank"] == 2]
    check("mce.injected", len(hit) == 1 and hit[0]["status"] == "0x9c00000000000092" and hit[0]["addr"] == "0x12345000"
          and hit[0]["misc"] == "0x86" and not hit[0]["in_mc"], str(m["log"])[:300])
    check("mce.counted", m["cores"][1]["corrected"] == 1 and m["cores"][1]["uncorrected"] == 0, str(m["cores"]))
    funcs = {f["address"]: f for f in rep["pci"]["functions"]}
    p = rep["pcie"]
    check("pcie.functions", p and all(x["address"] in funcs for x in p), str(p)[:300])
    nvme = [f["address"] for f in rep["pci"]["functions"] if f["class"] == "0x010802"]
    check("pcie.nvme", nvme and any(x["address"] == nvme[0] and x["type"] for x in p), str(p)[:300])
    h = {x["name"]: x for x in rep["health"]}
    n = h.get("disk1", {})
    s = n.get("smart") or {}
    check("health.nvme", n.get("kind") == "nvme" and n.get("serial") == "RPT0001", str(n)[:300])
    check("health.nvme_smart", -60 < s.get("temperature_c", -999) < 150 and s.get("critical_warning") == "0x00"
          and s.get("available_spare", -1) <= 100 and s.get("media_errors") == 0, str(s))
    check("health.virtio", h.get("disk0", {}).get("kind") == "virtio", str(h.get("disk0")))


# The parts expect.json's "checks" names, in this order.
for part in [keys, kernel_boot, cpu_cores, memory, numa, smbios, acpi, pci, disks, nics, usb, consoles, hw]:
    if part.__name__ in want["checks"]:
        try:
            part()
        except Exception as e:  # a key missing or of another type: that part fails
            check(part.__name__ + ".parsed", False, "%s: %s" % (type(e).__name__, e))
