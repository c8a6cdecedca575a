#!/usr/bin/env python3
"""gen_corpus.py: writes the seed corpora fuzz/corpus/eventlog and
fuzz/corpus/quote.  The seeds are synthetic (built here from the TCG PC
Client and TPM 2.0 structure layouts), so no third-party data is copied.
Usage: python3 tests/attest/gen_corpus.py [ROOT]   (deterministic output)"""
import hashlib
import os
import struct
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
ev_dir = os.path.join(root, 'fuzz', 'corpus', 'eventlog')
q_dir = os.path.join(root, 'fuzz', 'corpus', 'quote')
os.makedirs(ev_dir, exist_ok=True)
os.makedirs(q_dir, exist_ok=True)

def guid(s):
    a, b, c, d, e = s.split('-')
    return struct.pack('<IHH', int(a, 16), int(b, 16), int(c, 16)) + bytes.fromhex(d + e)

EFI_GLOBAL = guid('8be4df61-93ca-11d2-aa0d-00e098032b8c')
IMAGE_DB = guid('d719b2cb-3d3a-4596-a3bc-dad00e67656f')
X509 = guid('a5c059a1-94e4-4aa7-87b5-ab155c2bf072')
SHA256T = guid('c1c41626-504c-4092-aca9-41f936934328')
OWNER = guid('77fa9abd-0359-4d32-bd60-28f4e78f784b')

def uefi_var(g, name, data):
    n = name.encode('utf-16-le')
    return g + struct.pack('<QQ', len(name), len(data)) + n + data

def siglist(t, entries, size):
    body = b''.join(OWNER + e for e in entries)
    return t + struct.pack('<III', 28 + len(body), 0, size + 16) + body

def devpath():
    pci_root = bytes([2, 1]) + struct.pack('<H', 12) + struct.pack('<II', 0x0A0341D0, 0)
    pci = bytes([1, 1]) + struct.pack('<H', 6) + bytes([0, 4])
    hd = bytes([4, 1]) + struct.pack('<H', 42) + struct.pack('<IQQ', 1, 2048, 204800) + bytes(16) + bytes([2, 2])
    f = '\\EFI\\BOOT\\BOOTX64.EFI\0'.encode('utf-16-le')
    fp = bytes([4, 4]) + struct.pack('<H', 4 + len(f)) + f
    end = bytes([0x7f, 0xff, 4, 0])
    return pci_root + pci + hd + fp + end

def image(path):
    return struct.pack('<QQQQ', 0x1000, 0x2000, 0, len(path)) + path

EVENTS = [
    (0, 0x08, '\0'.join('GCE Virtual Firmware v1').encode() + b'\0\0'),
    (0, 0x80000008, struct.pack('<QQ', 0xfff00000, 0x100000)),
    (7, 0x80000001, uefi_var(EFI_GLOBAL, 'SecureBoot', b'\x01')),
    (7, 0x80000001, uefi_var(EFI_GLOBAL, 'PK', siglist(X509, [b'\x30\x82\x01\x00' + bytes(60)], 64))),
    (7, 0x80000001, uefi_var(IMAGE_DB, 'db', siglist(X509, [b'\x30\x82\x02\x00' + bytes(60)], 64))),
    (7, 0x80000001, uefi_var(IMAGE_DB, 'dbx', siglist(SHA256T, [bytes([i]) * 32 for i in range(3)], 32))),
    (1, 0x80000002, uefi_var(EFI_GLOBAL, 'BootOrder', b'\x01\x00\x00\x00')),
    (1, 0x80000002, uefi_var(EFI_GLOBAL, 'Boot0001', struct.pack('<IH', 1, len(devpath())) +
                              'debian\0'.encode('utf-16-le') + devpath())),
] + [(p, 4, b'\0\0\0\0') for p in range(8)] + [
    (4, 0x80000007, b'Calling EFI Application from Boot Option'),
    (4, 0x80000003, image(devpath())),
    (7, 0x800000E0, uefi_var(IMAGE_DB, 'db', OWNER + b'\x30\x82\x02\x00' + bytes(60))),
    (8, 0x0D, b'grub_cmd: linux /vmlinuz root=/dev/sda1\0'),
    (8, 0x0D, b'kernel_cmdline: /vmlinuz root=/dev/sda1\0'),
    (9, 0x0D, b'/boot/vmlinuz\0'),
    (5, 0x80000007, b'Exit Boot Services Invocation'),
    (0, 0x01, b'ACPI DATA'),
]

HASHES = {0x0004: hashlib.sha1, 0x000b: hashlib.sha256, 0x000c: hashlib.sha384, 0x000d: hashlib.sha512}

def digest_of(pcr, typ, data, h):
    if typ in (0x80000003,):
        return h(b'authenticode' + data).digest()
    if typ == 0x0D and data.startswith(b'grub_cmd: '):
        return h(data[len(b'grub_cmd: '):].rstrip(b'\0')).digest()
    if typ == 0x0D and data.startswith(b'kernel_cmdline: '):
        return h(data[len(b'kernel_cmdline: '):].rstrip(b'\0')).digest()
    return h(data).digest()

def sha1_log(events, locality=None):
    out = b''
    if locality is not None:
        d = b'StartupLocality\0' + bytes([locality])
        out += struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', len(d)) + d
    for pcr, typ, data in events:
        out += struct.pack('<II', pcr, typ) + digest_of(pcr, typ, data, hashlib.sha1) + struct.pack('<I', len(data)) + data
    return out

def agile_log(events, algs, locality=None, vendor=b''):
    spec = b'Spec ID Event03\0' + struct.pack('<IBBBBI', 0, 0, 2, 0, 2, len(algs))
    for a in algs:
        spec += struct.pack('<HH', a, HASHES[a]().digest_size if a in HASHES else 32)
    spec += bytes([len(vendor)]) + vendor
    out = struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', len(spec)) + spec
    def ev2(pcr, typ, data, algs_here):
        b = struct.pack('<III', pcr, typ, len(algs_here))
        for a in algs_here:
            b += struct.pack('<H', a) + (digest_of(pcr, typ, data, HASHES[a]) if a in HASHES else bytes(32))
        return b + struct.pack('<I', len(data)) + data
    if locality is not None:
        out += ev2(0, 3, b'StartupLocality\0' + bytes([locality]), [])
    for pcr, typ, data in events:
        out += ev2(pcr, typ, data, algs)
    return out

seeds = {
    'sha1.bin': sha1_log(EVENTS),
    'sha1-locality.bin': sha1_log(EVENTS[:4], locality=3),
    'agile-sha256.bin': agile_log(EVENTS, [0x000b]),
    'agile-2banks.bin': agile_log(EVENTS, [0x0004, 0x000b], locality=3),
    'agile-4banks.bin': agile_log(EVENTS[:6], [0x0004, 0x000b, 0x000c, 0x000d], vendor=b'\xde\xad\xbe\xef'),
    'agile-unknown-alg.bin': agile_log(EVENTS[:5], [0x000b, 0x0099]),
    'agile-padded.bin': agile_log(EVENTS[:3], [0x000b]) + b'\xff' * 64,
    'short-no-action.bin': struct.pack('<II', 0, 3) + bytes(20) + struct.pack('<I', 17) + b'StartupLocality\0\x03',
    'huge-eventsize.bin': struct.pack('<II', 0, 8) + bytes(20) + struct.pack('<I', 0xBD900000),
    'truncated.bin': agile_log(EVENTS[:4], [0x000b])[:-7],
    'empty.bin': b'',
}
for name, data in sorted(seeds.items()):
    with open(os.path.join(ev_dir, name), 'wb') as f:
        f.write(data)

# ---- quote seeds: TPMS_ATTEST, TPMT_SIGNATURE, TPM2B_PUBLIC, PCR files ----
def tpm2b(b):
    return struct.pack('>H', len(b)) + b

def attest(typ=0x8018, nonce=b'\x01' * 16, sels=((0x000b, b'\xff\x00\x00'),), digest=bytes(32)):
    b = struct.pack('>IH', 0xff544347, typ) + tpm2b(b'\x00\x0b' + bytes(32)) + tpm2b(nonce)
    b += struct.pack('>QIIBQ', 1628, 1, 0, 1, 0x2019102300163636)
    if typ == 0x8018:
        b += struct.pack('>I', len(sels))
        for h, bits in sels:
            b += struct.pack('>HB', h, len(bits)) + bits
        b += tpm2b(digest)
    else:
        b += tpm2b(b'\x00\x0b' + bytes(32)) + struct.pack('>H', 0) + tpm2b(b'nvdata')
    return b

def rsa_public(scheme=0x0014, bits=2048):
    params = struct.pack('>HHHHI', 0x0010, scheme, 0x000b, bits, 0)
    return struct.pack('>HHI', 0x0001, 0x000b, 0x00050072) + tpm2b(b'') + params + tpm2b(b'\xc1' * (bits // 8))

def ecc_public():
    params = struct.pack('>HHHHH', 0x0010, 0x0018, 0x000b, 0x0003, 0x0010)
    return struct.pack('>HHI', 0x0023, 0x000b, 0x00050072) + tpm2b(b'') + params + tpm2b(b'\x11' * 32) + tpm2b(b'\x22' * 32)

def serialized_pcrs(h=0x000b, bits=b'\xff\x00\x00', size=32):
    sel = struct.pack('<I', 1) + struct.pack('<HB', h, len(bits)) + bits.ljust(4, b'\0') + b'\0'
    sel = sel.ljust(132, b'\0')
    n = bin(int.from_bytes(bits, 'little')).count('1')
    lists = b''
    idx = 0
    while idx < n:
        k = min(8, n - idx)
        lst = struct.pack('<I', k)
        for j in range(8):
            lst += struct.pack('<H', size if j < k else 0) + (bytes([idx + j]) * size if j < k else b'').ljust(64, b'\0')
        lists += lst
        idx += k
    return sel + struct.pack('<I', len(lists) // 532) + lists

qseeds = {
    'attest-quote.bin': attest(),
    'attest-quote-2banks.bin': attest(sels=((0x000b, b'\xff\x00\x00'), (0x0004, b'\x81\x00\x00'))),
    'attest-nv.bin': attest(typ=0x8014),
    'sig-rsassa.bin': struct.pack('>HH', 0x0014, 0x000b) + tpm2b(b'\x5a' * 256),
    'sig-rsapss.bin': struct.pack('>HH', 0x0016, 0x000b) + tpm2b(b'\xa5' * 256),
    'sig-ecdsa.bin': struct.pack('>HH', 0x0018, 0x000b) + tpm2b(b'\x01' * 32) + tpm2b(b'\x02' * 32),
    'ak-rsa.tpm2b': tpm2b(rsa_public()),
    'ak-rsa.tpmt': rsa_public(0x0016),
    'ak-ecc.tpm2b': tpm2b(ecc_public()),
    'pcrs-serialized.bin': serialized_pcrs(),
    'pem-garbage.pem': b'-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n',
}
q = attest()
s = struct.pack('>HH', 0x0014, 0x000b) + tpm2b(b'\x5a' * 256)
qseeds['split-triple.bin'] = bytes([len(q), 255]) + q + s[:255] + tpm2b(rsa_public())
for name, data in sorted(qseeds.items()):
    with open(os.path.join(q_dir, name), 'wb') as f:
        f.write(data)
