#!/usr/bin/env python3
"""Peer comparison: rampart rules vs Checkov's ARM checks on Checkov's own test templates.

Data: $RAMPART_SHARED/fixtures/checkov-arm/templates/checks/resource/example_<Check>/*.json
(copied from bridgecrewio/checkov 3.3.13, see SOURCES.md there; read-only).
For every Checkov check whose meaning matches one of our rules (MAPPING), the expected
Checkov verdict of each template comes from its file name (pass/PASSED -> pass,
fail/FAILED -> fail, UNKNOWN -> unknown, SKIPPED -> fail suppressed by a Checkov-only
`metadata.checkov` entry).  rampart is run with `scan --format json --rule <IDs>` and its
verdict per resource of the check's resource types is compared.  Disagreements are
allowed only when listed in KNOWN with a reason key (REASONS); see docs/peer-comparison.md.
Exit status 1 on any undocumented disagreement or on a documented one that no longer occurs.
Final line: `N passed, N failed` (passed = agreements + documented disagreements).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Checkov class name -> (Checkov id, our rule ids (fail if any fails), resource types, name filter or None)
MAPPING = [
    ("AzureInstancePassword", "CKV_AZURE_1", ["RMP-HOST-001"], ["Microsoft.Compute/virtualMachines"], None),
    ("VMDisablePasswordAuthentication", "CKV_AZURE_149", ["RMP-HOST-001"],
     ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"], None),
    ("LinuxVMUsesSSH", "CKV_AZURE_178", ["RMP-HOST-001"],
     ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"], None),
    ("AzureScaleSetPassword", "CKV_AZURE_49", ["RMP-HOST-001"], ["Microsoft.Compute/virtualMachineScaleSets"], None),
    ("VMEncryptionAtHostEnabled", "CKV_AZURE_97", ["RMP-DATA-001"],
     ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"], None),
    ("WinVMEncryptionAtHost", "CKV_AZURE_151", ["RMP-DATA-001"], ["Microsoft.Compute/virtualMachines"], None),
    ("AzureManagedDiskEncryptionSet", "CKV_AZURE_93", ["RMP-DATA-002"], ["Microsoft.Compute/disks"], None),
    ("VMStorageOsDisk", "CKV_AZURE_92", ["RMP-DATA-003"], ["Microsoft.Compute/virtualMachines"], None),
    ("StorageAccountsTransportEncryption", "CKV_AZURE_3", ["RMP-DATA-010"], ["Microsoft.Storage/storageAccounts"], None),
    ("StorageAccountMinimumTlsVersion", "CKV_AZURE_44", ["RMP-DATA-011"], ["Microsoft.Storage/storageAccounts"], None),
    ("StorageAccountDisablePublicAccess", "CKV_AZURE_59", ["RMP-DATA-014"], ["Microsoft.Storage/storageAccounts"], None),
    ("StorageAccountDefaultNetworkAccessDeny", "CKV_AZURE_35", ["RMP-DATA-014"], ["Microsoft.Storage/storageAccounts"], None),
    ("KeyVaultEnablesPurgeProtection", "CKV_AZURE_110", ["RMP-DATA-020"], ["Microsoft.KeyVault/vaults"], None),
    ("KeyVaultEnablesSoftDelete", "CKV_AZURE_111", ["RMP-DATA-021"], ["Microsoft.KeyVault/vaults"], None),
    ("KeyvaultRecoveryEnabled", "CKV_AZURE_42", ["RMP-DATA-020", "RMP-DATA-021"], ["Microsoft.KeyVault/vaults"], None),
    ("KeyVaultDisablesPublicNetworkAccess", "CKV_AZURE_189", ["RMP-DATA-022"], ["Microsoft.KeyVault/vaults"], None),
    ("KeyVaultEnablesFirewallRulesSettings", "CKV_AZURE_109", ["RMP-DATA-022"], ["Microsoft.KeyVault/vaults"], None),
    ("NetworkWatcherFlowLogPeriod", "CKV_AZURE_12", ["RMP-MON-004"], ["Microsoft.Network/networkWatchers/flowLogs"], None),
    # CKV_AZURE_19 wants pricingTier Standard on every plan; our rule only judges the
    # VirtualMachines plan (Defender for Servers), so only that resource is compared.
    ("SecurityCenter", "CKV_AZURE_19", ["RMP-MON-007"], ["Microsoft.Security/pricings"], "VirtualMachines"),
]

REASONS = {
    "invalid-template": "the template is not deployable ARM (undefined parameter/variable, Terraform "
                        "expression, malformed resource name); ARM rejects it, rampart reports "
                        "RMP-META-002 instead of guessing, Checkov reads the unevaluated strings",
    "checkov-suppression": "Checkov's expected result is SKIPPED through its own metadata.checkov "
                           "suppression; the property is insecure and rampart (which honours only "
                           "metadata.rampart.skip) reports the underlying failure",
    "checkov-ignores-default": "Checkov treats an absent property as compliant/non-compliant without "
                               "the documented platform default (azure-facts 4.3/4.4)",
    "misplaced-property": "the template puts the property at a path ARM does not define; Checkov "
                          "reads the required flag as missing, rampart evaluates the real paths",
    "malformed-property": "the property has the wrong JSON type; Checkov says UNKNOWN",
    "different-question": "Checkov asks for an SSH key path (ssh.publicKeys[0].path); rampart asks "
                          "whether password login is possible (disablePasswordAuthentication true: no)",
    "checkov-iprules-with-allow": "Checkov passes a vault with any ipRules even though defaultAction "
                                  "Allow admits every network (azure-facts 4.3/4.4); rampart fails it",
    "checkov-requires-retention-enabled": "Checkov fails flow logs without retentionPolicy.enabled true and "
                                          "numeric days; without a retention policy (or days 0) records are "
                                          "never deleted (azure-facts 2.8), which satisfies the 90-day intent",
    "rampart-bug": "rampart is believed wrong here (see docs/peer-comparison.md); lead to decide",
}

# (check, file, resource name or "*") -> reason key
KNOWN = {
    ("LinuxVMUsesSSH", "fail.json", "*"): "invalid-template",
    ("LinuxVMUsesSSH", "pass.json", "*"): "invalid-template",
    ("AzureScaleSetPassword", "FAILED.json", "default"): "misplaced-property",
    ("AzureScaleSetPassword", "PASSED.json", "*"): "invalid-template",
    ("StorageAccountsTransportEncryption", "storageAccount-SKIPPED.json", "*"): "checkov-suppression",
    ("StorageAccountsTransportEncryption", "storageAccount-SKIPPED2.json", "*"): "checkov-suppression",
    ("StorageAccountsTransportEncryption", "storageAccount-SKIPPED3.json", "*"): "checkov-suppression",
    ("StorageAccountDisablePublicAccess", "PASSED.json", "default"): "checkov-ignores-default",
    ("StorageAccountDefaultNetworkAccessDeny", "storageAccountDefaultNetworkAccessDeny-FAILED2.json", "*"):
        "invalid-template",
    ("KeyVaultEnablesPurgeProtection", "fail1.json", "*"): "invalid-template",
    ("KeyVaultEnablesPurgeProtection", "fail2.json", "*"): "invalid-template",
    ("KeyVaultEnablesPurgeProtection", "pass.json", "*"): "invalid-template",
    ("KeyvaultRecoveryEnabled", "keyvaultRecoveryEnabled-FAILED2.json", "*"): "checkov-ignores-default",
    ("KeyVaultDisablesPublicNetworkAccess", "*", "*"): "invalid-template",
    ("NetworkWatcherFlowLogPeriod", "*", "*"): "invalid-template",
    ("SecurityCenter", "securityCenter-PASSED.json", "*"): "invalid-template",
}

# Second pass: an invalid template (reason invalid-template) is repaired in a scratch copy by
# repair() (declare each undefined parameter/variable as a string, drop a trailing '/' of a
# type, replace Terraform `[data.*]` expressions by literals) and compared again.  Templates
# still not evaluable after that are reported as unrepairable (no comparison).
KNOWN_REPAIRED = {
    ("LinuxVMUsesSSH", "fail.json", "*"): "different-question",
    ("KeyVaultDisablesPublicNetworkAccess", "pass3.json", "*"): "checkov-iprules-with-allow",
    ("KeyVaultDisablesPublicNetworkAccess", "pass4.json", "*"): "checkov-iprules-with-allow",
    ("NetworkWatcherFlowLogPeriod", "networkWatcherFlowLogPeriod-FAILED.json", "*"):
        "checkov-requires-retention-enabled",
    ("NetworkWatcherFlowLogPeriod", "networkWatcherFlowLogPeriod-FAILED3.json", "*"):
        "checkov-requires-retention-enabled",
    ("NetworkWatcherFlowLogPeriod", "networkWatcherFlowLogPeriod-FAILED4.json", "*"):
        "checkov-requires-retention-enabled",
}
MAX_REPAIRS = 20
UNDEFINED = re.compile(r"(parameter|variable) '([^']+)' is not defined")
TF_DATA = re.compile(r'"\[data\.[A-Za-z0-9_.]+\]"')


def expected_from_name(fname):
    """Checkov's expected verdict from the fixture file name (see SOURCES.md)."""
    low = fname.lower()
    if "skipped" in low:
        return "skip"
    if "unknown" in low:
        return "unknown"
    if re.search(r"fail", low):
        return "fail"
    if re.search(r"pass", low):
        return "pass"
    return None


def agrees(ckv, ours):
    if ckv == "unknown":
        return ours in ("unknown", "not-applicable")
    return ckv == ours


def combine(statuses):
    if not statuses:
        return "absent"
    for s in ("fail", "unknown", "pass"):
        if s in statuses:
            return s
    return statuses[0]


def known_key(check, fname, res, table=None):
    table = KNOWN if table is None else table
    for key in ((check, fname, res), (check, fname, "*"), (check, "*", "*")):
        if key in table:
            return key
    return None


def run_scan(binary, rules, path):
    """Returns (report dict or None, stderr)."""
    proc = subprocess.run([binary, "scan", "--format", "json", "--fail-on", "none",
                           "--rule", ",".join(rules), path],
                          capture_output=True, text=True, check=False)
    try:
        return json.loads(proc.stdout), proc.stderr
    except ValueError:
        return None, f"exit {proc.returncode}: {proc.stderr[:200]}"


def verdicts_of(rep, rules, types, name_filter):
    if rep["summary"]["input_errors"] > 0:
        return {"*": "input-error"}
    per = {}
    lt = [t.lower() for t in types]
    for fnd in rep["findings"]:
        if fnd["rule_id"] not in rules or fnd["resource_type"].lower() not in lt:
            continue
        if name_filter and fnd["resource_name"] != name_filter:
            continue
        per.setdefault(fnd["resource_name"], []).append(fnd["status"])
    verdicts = {n: combine(st) for n, st in per.items()}
    return verdicts or {"*": "absent"}


def repair(binary, rules, src, scratch):
    """Scan a repaired copy of src in scratch; returns (report or None, what was repaired)."""
    with open(src, encoding="utf-8") as fh:
        text = TF_DATA.sub('"rampart-peer-literal"', fh.read())
    tpl = json.loads(text)
    done = []
    for res in tpl.get("resources", []):
        if isinstance(res, dict) and isinstance(res.get("type"), str) and res["type"].endswith("/"):
            res["type"] = res["type"].rstrip("/")
            done.append("type trailing '/'")
    if text != open(src, encoding="utf-8").read():
        done.append("Terraform [data.*] expressions")
    out = os.path.join(scratch, os.path.basename(src))
    for _ in range(MAX_REPAIRS):
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(tpl, fh)
        rep, _err = run_scan(binary, rules, out)
        if rep is None:
            return None, done
        errs = [f["message"] for f in rep["findings"] if f["rule_id"] == "RMP-META-002"]
        if not errs:
            return rep, done
        m = UNDEFINED.match(errs[0])
        if not m:
            return None, done + ["unrepairable: " + errs[0]]
        if m.group(1) == "parameter":
            tpl.setdefault("parameters", {})[m.group(2)] = {"type": "string",
                                                            "defaultValue": "rampart-peer-" + m.group(2)}
        else:
            tpl.setdefault("variables", {})[m.group(2)] = "rampart-peer-" + m.group(2)
        done.append(f"declared {m.group(1)} {m.group(2)}")
    return None, done + ["too many repairs"]


def main():
    shared = os.environ.get("RAMPART_SHARED")
    binary = os.environ.get("RAMPART_BIN")
    if not shared or not binary:
        print("RAMPART_SHARED and RAMPART_BIN must be set", file=sys.stderr)
        return 2
    base = os.path.join(shared, "fixtures", "checkov-arm", "templates", "checks", "resource")
    if not os.path.isdir(base):
        print(f"missing fixtures: {base}", file=sys.stderr)
        return 2
    for reason in list(KNOWN.values()) + list(KNOWN_REPAIRED.values()):
        assert reason in REASONS, reason
    agree = documented = 0
    failed = 0
    used_known = set()
    used_repaired = set()
    to_repair = []
    repaired_agree = repaired_documented = 0
    for check, ckv_id, rules, types, name_filter in MAPPING:
        d = os.path.join(base, "example_" + check)
        files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
        if not files:
            print(f"FAIL {check}: no templates in {d}")
            failed += 1
            continue
        print(f"== {ckv_id} {check} -> {','.join(rules)}")
        for fname in files:
            ckv = expected_from_name(fname)
            if ckv is None:
                continue
            path = os.path.join(d, fname)
            rep, err = run_scan(binary, rules, path)
            if rep is None:
                print(f"  FAIL {fname}: no JSON report ({err})")
                failed += 1
                continue
            verdicts = verdicts_of(rep, rules, types, name_filter)
            if verdicts == {"*": "input-error"} and known_key(check, fname, "*") is not None \
                    and KNOWN[known_key(check, fname, "*")] == "invalid-template":
                to_repair.append((check, rules, types, name_filter, fname, path, ckv))
            for res in sorted(verdicts):
                ours = verdicts[res]
                want = "fail" if ckv == "skip" else ckv
                kkey = known_key(check, fname, res)
                reason = KNOWN[kkey] if kkey else None
                shown = ckv if ckv != "skip" else "skipped(fail)"
                if agrees(want, ours) and ckv != "skip":
                    agree += 1
                    print(f"  agree     {fname} [{res}] checkov={shown} rampart={ours}")
                elif reason is not None:
                    documented += 1
                    used_known.add(kkey)
                    print(f"  DISAGREE  {fname} [{res}] checkov={shown} rampart={ours} reason={reason}")
                else:
                    failed += 1
                    print(f"  FAIL      {fname} [{res}] checkov={shown} rampart={ours} "
                          f"(undocumented disagreement)")
    print("== second pass: invalid templates repaired in a scratch copy")
    with tempfile.TemporaryDirectory(prefix="rampart-peer-") as scratch:
        for check, rules, types, name_filter, fname, path, ckv in to_repair:
            rep, done = repair(binary, rules, path, scratch)
            if rep is None:
                print(f"  skip      {check}/{fname}: {'; '.join(done)}")
                continue
            for res, ours in sorted(verdicts_of(rep, rules, types, name_filter).items()):
                kkey = known_key(check, fname, res, KNOWN_REPAIRED)
                tag = f"{check}/{fname} [{res}] checkov={ckv} rampart={ours} (repaired: {'; '.join(done)})"
                if agrees(ckv, ours):
                    repaired_agree += 1
                    print(f"  agree     {tag}")
                elif kkey is not None:
                    repaired_documented += 1
                    used_repaired.add(kkey)
                    print(f"  DISAGREE  {tag} reason={KNOWN_REPAIRED[kkey]}")
                else:
                    failed += 1
                    print(f"  FAIL      {tag} (undocumented disagreement)")
    for key in sorted(set(KNOWN_REPAIRED) - used_repaired):
        print(f"FAIL stale KNOWN_REPAIRED entry {key}: that disagreement no longer occurs")
        failed += 1
    agree += repaired_agree
    documented += repaired_documented
    for key in sorted(set(KNOWN) - used_known):
        print(f"FAIL stale KNOWN entry {key}: that disagreement no longer occurs")
        failed += 1
    print(f"{len(MAPPING)} mapped checks: {agree} agreements, {documented} documented disagreements "
          f"(of which repaired templates: {repaired_agree} agreements, {repaired_documented} disagreements)")
    print(f"{agree + documented} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
