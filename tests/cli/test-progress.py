#!/usr/bin/env python3
"""test-progress.py: the progress line of `rampart scan` ("\\rrampart:
scanning: N/M files" on stderr) appears when stderr is a terminal and the
scan takes more than a second, and never otherwise.  Uses a real
pseudo-terminal (the pty module) for stderr, a pipe for the negative case.

Work of more than a second: a generated deployment of templates of 100
VMs, each with a NIC, an NSG and a data disk: 40 templates (several seconds
in the debug and sanitizer builds), grown until the scan takes more than
1.5 s when the build and the machine are faster, so that the positive
checks always run."""
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.environ["RAMPART_BIN"]
ROOT = os.environ.get("RAMPART_SOURCE_ROOT", ".")
PROGRESS = b"\rrampart: scanning: "
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)


def template(first, n):
    res = []
    for i in range(first, first + n):
        res.append('{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01", '
                   '"name": "nsg-%d", "location": "westeurope", "properties": {"securityRules": []}}' % i)
        res.append('{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01", '
                   '"name": "nic-%d", "location": "westeurope", "properties": {"networkSecurityGroup": '
                   '{"id": "[resourceId(\'Microsoft.Network/networkSecurityGroups\', \'nsg-%d\')]"}, '
                   '"ipConfigurations": [{"name": "ipc", "properties": {"privateIPAllocationMethod": '
                   '"Dynamic"}}]}}' % (i, i))
        res.append('{"type": "Microsoft.Compute/disks", "apiVersion": "2023-10-02", "name": "d-%d", '
                   '"location": "westeurope", "properties": {"creationData": {"createOption": "Empty"}, '
                   '"diskSizeGB": 32}}' % i)
        res.append('{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-03-01", '
                   '"name": "vm-%d", "location": "westeurope", "properties": {"hardwareProfile": '
                   '{"vmSize": "Standard_D2s_v5"}, "osProfile": {"computerName": "vm", "adminUsername": '
                   '"ops", "linuxConfiguration": {"disablePasswordAuthentication": true}}, '
                   '"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": '
                   '"0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2", "version": "latest"}, '
                   '"dataDisks": [{"lun": 0, "createOption": "Attach", "managedDisk": {"id": '
                   '"[resourceId(\'Microsoft.Compute/disks\', \'d-%d\')]"}}]}, "networkProfile": '
                   '{"networkInterfaces": [{"id": "[resourceId(\'Microsoft.Network/networkInterfaces\', '
                   '\'nic-%d\')]"}]}}}' % (i, i, i))
    return ('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
            'deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [\n'
            + ",\n".join(res) + "\n]}\n")


def run_pty(args):
    """Runs rampart with stderr on a pseudo-terminal; returns (rc, stderr
    bytes, seconds)."""
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen([BIN, "--color=never"] + args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 1.0)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    rc = p.wait()
    os.close(master)
    return rc, out, time.monotonic() - t0


def main():
    tmp = tempfile.mkdtemp(prefix="rampart-progress-")
    try:
        big = os.path.join(tmp, "big")
        os.mkdir(big)
        nfiles = 0

        def grow(n):
            nonlocal nfiles
            for k in range(nfiles, nfiles + n):
                with open(os.path.join(big, "vms-%03d.json" % k), "w") as f:
                    f.write(template(k * 100, 100))
            nfiles += n

        # A terminal and more than a second of work: the line appears and
        # is erased ("\r\033[K") before the report.  40 templates take
        # seconds in the debug, sanitizer and valgrind builds but may take
        # less than one in a fast build on a quiet machine: then the
        # deployment grows until the scan takes long enough, so that the
        # checks always run (they are never skipped).
        grow(40)
        for _ in range(4):
            rc, err, secs = run_pty(["scan", big, "--jobs", "1", "-o", os.devnull])
            if secs > 1.5:
                break
            grow(min(400, int(nfiles * (2.0 / max(secs, 0.05) - 1.0)) + 1))
        check(rc in (0, 1), "scan on a terminal exits 0 or 1 (got %d)" % rc)
        check(secs > 1.5, "a scan of %d templates takes more than 1.5 s (%.2f s)" % (nfiles, secs))
        check(PROGRESS in err, "progress line on a terminal after %.1f s" % secs)
        check(b"/%d files" % nfiles in err, "progress counts the %d files" % nfiles)
        check(b"\r\x1b[K" in err, "progress line erased at the end")
        # The same with --jobs 2 (progress from the waiting thread), on a
        # deployment grown until two workers take more than 1.5 s as well.
        for _ in range(4):
            rc, err, secs = run_pty(["scan", big, "--jobs", "2", "-o", os.devnull])
            if secs > 1.5:
                break
            grow(min(400, int(nfiles * (2.0 / max(secs, 0.05) - 1.0)) + 1))
        check(secs > 1.5, "a --jobs 2 scan of %d templates takes more than 1.5 s (%.2f s)"
              % (nfiles, secs))
        check(PROGRESS in err, "progress line on a terminal with --jobs 2 (%.1f s)" % secs)
        # Not a terminal: never, however long it takes.
        t0 = time.monotonic()
        p = subprocess.run([BIN, "--color=never", "scan", big, "--jobs", "1", "-o", os.devnull],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        secs = time.monotonic() - t0
        check(p.returncode in (0, 1), "scan with stderr on a pipe exits 0 or 1")
        check(PROGRESS not in p.stderr and b"scanning" not in p.stderr,
              "no progress line when stderr is a pipe (%.1f s)" % secs)
        # A terminal but a quick scan: no progress line.
        rc, err, secs = run_pty(["scan", os.path.join(ROOT, "examples"), "-o", os.devnull])
        if secs < 0.9:
            check(PROGRESS not in err, "no progress line for a scan under a second (%.2f s)" % secs)
        else:
            print("# skip: the quick scan took %.2f s" % secs)
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
