#!/usr/bin/env python3
"""Real-world harness for obslint: run `obslint check` at the root of each checked-out public
repository and compare what it reports with a by-hand inventory of that repository's files.

Not run in CI: it needs the checkouts and inventories (by default /work/realworld/<owner>+<name>/ and
/work/realworld/inventory/, see /work/realworld/README.md for how they were made). Self-contained:
Python 3.11 standard library + PyYAML.

    python bench/realworld.py [--checkouts DIR] [--inventories DIR] [--obslint PATH] [--json out.json]
                              [--repos a+b,c+d] [--timeout 300] [--raw-dir DIR] [--copy-without-python DIR]

Inputs
  checkouts/<owner>+<name>/          a work tree of each repository (no .git needed)
  inventories/<owner>+<name>.yaml    {repo, commit, licence, shape, scope, files: [{path, kind, note, also?}],
                                      scope_paths?: [dir, ...], scope_exclude?: [glob, ...]}

Inventory kinds
  linted ("relevant"): rules, rules-crd, rules-configmap, rules-helm, rule-tests, alertmanager,
      alertmanager-secret, alertmanager-helm, am-templates, prometheus-config, dashboard-json,
      dashboard-json-wrapped, dashboard-configmap, dashboard-k8s, dashboard-grafanalib
  template: helm-template (an unrendered template: findings on it are reported in their own column)
  irrelevant: files obslint should not report on. Findings on irrelevant files, and on files the
      inventory does not list (inside its scope), are false by definition.

For each repository the harness runs, in the repository root, with a time limit (the whole process
group is killed when it is exceeded):
    obslint check --no-cache --format json .
and, when `obslint check --help` mentions --show-files,
    obslint check --show-files --format json .
which is expected to print a JSON list of {"path": ..., "kind": ..., "kinds": [...]}: the files obslint
read and the kind it read each as (`kinds`: every part of a file, a ConfigMap holding rules and a
dashboard, say) (a kind such as "skipped", "ignored", "irrelevant", "unknown" or "none" counts
as not read; "yaml"/"unparsed" as opened but not parseable; a kind of another family as misread).
Without --show-files, "read" is only known for files with a finding, and the kind a file was read as
is inferred from its findings' check kinds (`obslint checks`).

SAFETY: an obslint that executes Python files it finds must not be pointed at strangers' code.
--copy-without-python DIR copies each checkout to DIR/<name> without any *.py file and runs there
(dashboard-grafanalib files are then reported as "absent from the run tree", not as "not read").
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

RELEVANT_KINDS = (
    "rules", "rules-crd", "rules-configmap", "rules-helm", "rule-tests",
    "alertmanager", "alertmanager-secret", "alertmanager-helm", "am-templates", "prometheus-config",
    "dashboard-json", "dashboard-json-wrapped", "dashboard-configmap", "dashboard-k8s", "dashboard-grafanalib",
)
TEMPLATE_KINDS = ("helm-template",)
ALL_KINDS = set(RELEVANT_KINDS) | set(TEMPLATE_KINDS) | {"irrelevant"}

# The family of an inventory kind, and of a kind obslint says it read a file as (its own vocabulary
# today: rules, rule-tests, alertmanager, dashboards, route-tests; or the inventory's vocabulary).
FAMILY = {
    "rules": "rules", "rules-crd": "rules", "rules-configmap": "rules", "rules-helm": "rules",
    "rule-tests": "rule-tests", "route-tests": "route-tests",
    "alertmanager": "alertmanager", "alertmanager-secret": "alertmanager", "alertmanager-helm": "alertmanager",
    "am-templates": "am-templates", "prometheus-config": "prometheus-config",
    "dashboard-json": "dashboards", "dashboard-json-wrapped": "dashboards", "dashboard-configmap": "dashboards",
    "dashboard-k8s": "dashboards", "dashboard-grafanalib": "dashboards", "dashboards": "dashboards",
    "dashboard": "dashboards", "helm-template": "template", "template": "template",
    # obslint's own names for what it found (obslint.engine.classify)
    "rules-v1": "rules", "alertmanager-configmap": "alertmanager", "dashboard-crd": "dashboards",
    "dashboard-helm": "dashboards",
}
NOT_READ = {"", "none", "skipped", "skip", "ignored", "irrelevant", "unknown", "excluded", "not-read", "python"}
UNPARSED = {"yaml", "unparsed", "yaml-error", "invalid"}  # opened, but not parsed far enough to have a kind
PREFIX_KIND = {"A": "alertmanager", "R": "rules", "P": "rules", "T": "rule-tests", "D": "dashboards"}
SEVERITIES = ("error", "warning", "info")


# ---------------------------------------------------------------------------------------------
# running obslint

def run(cmd: list[str], cwd: Path, timeout: float) -> dict:
    """Run `cmd` in its own process group; kill the group on timeout."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
    return {"cmd": cmd, "rc": None if timed_out else proc.returncode, "timed_out": timed_out,
            "seconds": round(time.monotonic() - start, 3),
            "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}


def supports_show_files(obslint: str) -> bool:
    try:
        r = subprocess.run([obslint, "check", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--show-files" in (r.stdout + r.stderr)


def check_kinds(obslint: str) -> dict[str, str]:
    """code -> kind of check, from `obslint checks` (CODE NAME SEVERITY KIND DESCRIPTION)."""
    try:
        r = subprocess.run([obslint, "checks"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    kinds = {}
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and re.fullmatch(r"[A-Z]\d{3}", parts[0]):
            kinds[parts[0]] = parts[3]
    return kinds


def obslint_version(obslint: str) -> str:
    try:
        r = subprocess.run([obslint, "--version"], capture_output=True, text=True, timeout=60)
        return (r.stdout or r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def parse_json(text: str):
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"stdout is not JSON: {exc}"


def norm_path(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return path
    s = p.as_posix()
    while s.startswith("./"):
        s = s[2:]
    return s


# ---------------------------------------------------------------------------------------------
# inventories

def load_inventory(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = {}
    for entry in data.get("files") or []:
        kind = entry["kind"]
        if kind not in ALL_KINDS:
            raise SystemExit(f"{path}: {entry['path']}: unknown kind {kind!r}")
        files[entry["path"]] = {"kind": kind, "also": list(entry.get("also") or []), "note": entry.get("note", "")}
    data["files"] = files
    return data


def in_scope(rel: str, inv: dict) -> bool:
    scope = inv.get("scope_paths") or []
    if scope and not any(rel == s.rstrip("/") or rel.startswith(s.rstrip("/") + "/") for s in scope):
        return False
    return not any(fnmatch.fnmatch(rel, g) for g in inv.get("scope_exclude") or [])


def category(rel: str, inv: dict) -> str:
    entry = inv["files"].get(rel)
    if entry is None:
        return "unlisted" if in_scope(rel, inv) else "out-of-scope"
    if entry["kind"] == "irrelevant":
        return "irrelevant"
    if entry["kind"] in TEMPLATE_KINDS:
        return "template"
    return "relevant"


def families(entry: dict) -> set[str]:
    return {FAMILY.get(k, k) for k in [entry["kind"], *entry["also"]]}


# ---------------------------------------------------------------------------------------------
# one repository

def analyse_repo(name: str, inv: dict, tree: Path, obslint: str, timeout: float, show_files: bool,
                 code_kinds: dict[str, str], python_stripped: bool, raw_dir: Path | None) -> dict:
    res = run([obslint, "check", "--no-cache", "--format", "json", "."], tree, timeout)
    findings, parse_error = parse_json(res["stdout"]) if res["stdout"].strip() else ([], None)
    if findings is None:
        findings = []
    if raw_dir is not None:
        raw_dir.mkdir(parents=True, exist_ok=True)
        (raw_dir / f"{name}.json").write_text(res["stdout"], encoding="utf-8")
        (raw_dir / f"{name}.stderr").write_text(res["stderr"], encoding="utf-8")

    shown = None
    shown_res = None
    kinds_of: dict[str, list[str]] = {}
    if show_files:
        shown_res = run([obslint, "check", "--show-files", "--format", "json", "."], tree, timeout)
        data, err = parse_json(shown_res["stdout"])
        if isinstance(data, list):
            shown = {}
            for item in data:
                if isinstance(item, dict) and "path" in item:
                    shown[norm_path(str(item["path"]).rstrip("/"), tree)] = str(item.get("kind") or "")
                    kinds_of[norm_path(str(item["path"]).rstrip("/"), tree)] = [str(k) for k in item.get("kinds") or []]
        if raw_dir is not None:
            (raw_dir / f"{name}.show-files.json").write_text(shown_res["stdout"], encoding="utf-8")

    by_sev = Counter()
    errors_by_cat = Counter()
    findings_by_cat = Counter()
    per_file = defaultdict(list)
    for f in findings:
        rel = norm_path(str(f.get("path", "")), tree)
        f["_rel"] = rel
        sev = str(f.get("severity", "?"))
        by_sev[sev] += 1
        cat = category(rel, inv)
        f["_category"] = cat
        findings_by_cat[cat] += 1
        if sev == "error":
            errors_by_cat[cat] += 1
        per_file[rel].append(f)

    # which kind did obslint read each file with findings as, judged from its findings' check kinds
    inferred = {}
    for rel, fs in per_file.items():
        kinds = {code_kinds.get(str(x.get("code")), PREFIX_KIND.get(str(x.get("code", "?"))[:1], "")) for x in fs}
        kinds = {k for k in kinds if k and k not in ("yaml", "cross")}
        inferred[rel] = sorted(kinds)

    relevant = {p: e for p, e in inv["files"].items() if e["kind"] in RELEVANT_KINDS}
    rel_stats = defaultdict(lambda: Counter())
    no_finding = defaultdict(list)
    absent = defaultdict(list)
    misread_inferred = []
    read_status = defaultdict(lambda: defaultdict(list))  # kind -> status -> [paths]
    for path, entry in sorted(relevant.items()):
        kind = entry["kind"]
        exists = os.path.lexists(tree / path)
        st = rel_stats[kind]
        st["files"] += 1
        if not exists:
            st["absent"] += 1
            absent[kind].append(path)
            continue
        fs = per_file.get(path, [])
        if fs:
            st["with_findings"] += 1
            if any(x.get("severity") == "error" for x in fs):
                st["with_errors"] += 1
            inf = inferred.get(path) or []
            if inf and not (set(inf) & families(entry)):
                st["misread_inferred"] += 1
                misread_inferred.append({"path": path, "kind": kind, "read_as": inf})
        else:
            st["no_finding"] += 1
            no_finding[kind].append(path)
        if shown is not None:
            got = shown.get(path)
            if got is None or got.lower() in NOT_READ:
                status = "not_read"
            elif got.lower() in UNPARSED:
                status = "unparsed"
            elif any(FAMILY.get(k, k) in families(entry) or k in [kind, *entry["also"]]
                     for k in [got, *kinds_of.get(path, [])]):
                status = "read"
            else:
                status = "misread"
            st[status] += 1
            read_status[kind][status].append(path if status != "misread" else f"{path} (read as {got})")

    shown_summary = None
    if shown is not None:
        shown_summary = Counter()
        for rel, kind in shown.items():
            cat = category(rel, inv)
            readk = ("not_read" if kind.lower() in NOT_READ else "unparsed" if kind.lower() in UNPARSED
                     else "read")
            shown_summary[f"{cat}:{readk}"] += 1

    errors_listing = [{"path": f["_rel"], "line": f.get("line"), "column": f.get("column"), "code": f.get("code"),
                       "category": f["_category"], "message": f.get("message")}
                      for f in findings if f.get("severity") == "error"]
    return {
        "repo": inv.get("repo", name), "commit": inv.get("commit"), "tree": str(tree),
        "python_stripped": python_stripped,
        "rc": res["rc"], "timed_out": res["timed_out"], "seconds": res["seconds"],
        "stderr": res["stderr"][-4000:], "stdout_parse_error": parse_error,
        "findings": len(findings), "by_severity": dict(by_sev),
        "findings_by_category": dict(findings_by_cat), "errors_by_category": dict(errors_by_cat),
        "false_by_definition_errors": errors_by_cat["irrelevant"] + errors_by_cat["unlisted"],
        "inventory": dict(Counter(e["kind"] for e in inv["files"].values())),
        "relevant_by_kind": {k: dict(v) for k, v in sorted(rel_stats.items())},
        "relevant_no_finding": {k: v for k, v in sorted(no_finding.items())},
        "relevant_absent_from_tree": {k: v for k, v in sorted(absent.items())},
        "misread_inferred": misread_inferred,
        "show_files": shown is not None,
        "show_files_rc": shown_res["rc"] if shown_res else None,
        "read_status": {k: {s: v for s, v in d.items()} for k, d in read_status.items()} if shown is not None else None,
        "show_files_by_category": dict(shown_summary) if shown_summary is not None else None,
        "files_with_errors_by_category": dict(Counter(
            category(p, inv) for p, fs in per_file.items() if any(x.get("severity") == "error" for x in fs))),
        "errors": errors_listing,
    }


# ---------------------------------------------------------------------------------------------
# output

def table(rows: list[list], header: list[str]) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for i, r in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if j else c.ljust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def human(results: dict, meta: dict) -> str:
    out = [f"obslint: {meta['obslint']} ({meta['version']}); --show-files: {'yes' if meta['show_files'] else 'no'}"]
    if meta.get("python_stripped"):
        out.append(f"Python files were removed: obslint ran on copies under {meta['python_stripped']}")
    rows = []
    tot = Counter()
    for name, r in results.items():
        e = r["errors_by_category"]
        sev = r["by_severity"]
        relevant = sum(v.get("files", 0) for v in r["relevant_by_kind"].values())
        nof = sum(v.get("no_finding", 0) for v in r["relevant_by_kind"].values())
        mis = len(r["misread_inferred"])
        status = "TIMEOUT" if r["timed_out"] else str(r["rc"])
        row = [name, status, r["findings"], sev.get("error", 0), sev.get("warning", 0), sev.get("info", 0),
               e.get("relevant", 0), e.get("template", 0), e.get("irrelevant", 0), e.get("unlisted", 0),
               e.get("out-of-scope", 0), relevant, nof, mis]
        rows.append(row)
        for k, v in zip(["findings", "error", "warning", "info", "err_rel", "err_tmpl", "err_irr", "err_unl",
                         "err_oos", "relevant", "nofind", "misread"], row[2:], strict=True):
            tot[k] += v
    rows.append(["TOTAL", "", tot["findings"], tot["error"], tot["warning"], tot["info"], tot["err_rel"],
                 tot["err_tmpl"], tot["err_irr"], tot["err_unl"], tot["err_oos"], tot["relevant"], tot["nofind"],
                 tot["misread"]])
    out.append("")
    out.append(table(rows, ["repository", "rc", "findings", "err", "warn", "info", "err:relevant", "err:template",
                            "err:irrelevant", "err:unlisted", "err:out-of-scope", "relevant files",
                            "relevant w/o finding", "misread (inferred)"]))
    fbd = tot["err_irr"] + tot["err_unl"]
    if tot["error"]:
        out.append(f"\nerrors false by definition (irrelevant + unlisted files): {fbd} of {tot['error']}"
                   f" ({100.0 * fbd / tot['error']:.1f} %)")
    # per kind
    kinds = defaultdict(Counter)
    for r in results.values():
        for k, v in r["relevant_by_kind"].items():
            kinds[k].update(v)
    krows = []
    for k in RELEVANT_KINDS:
        if k in kinds:
            v = kinds[k]
            row = [k, v["files"], v["absent"], v["with_findings"], v["with_errors"], v["no_finding"],
                   v["misread_inferred"]]
            if meta["show_files"]:
                row += [v["read"], v["not_read"], v["misread"], v["unparsed"]]
            krows.append(row)
    hdr = ["relevant kind", "files", "absent", "with findings", "with errors", "no finding", "misread (inferred)"]
    if meta["show_files"]:
        hdr += ["read", "not read", "misread", "unparsed"]
    out.append("")
    out.append(table(krows, hdr))
    for name, r in results.items():
        notes = []
        if r["timed_out"]:
            notes.append("timed out")
        if r["stdout_parse_error"]:
            notes.append(r["stdout_parse_error"])
        if r["stderr"].strip():
            notes.append("stderr: " + r["stderr"].strip().splitlines()[-1][:200])
        if notes:
            out.append(f"\n{name}: " + "; ".join(notes))
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkouts", type=Path, default=Path("/work/realworld"))
    ap.add_argument("--inventories", type=Path, default=Path("/work/realworld/inventory"))
    ap.add_argument("--obslint", default=str(Path(sys.executable).parent / "obslint"),
                    help="the obslint to run (default: the one beside this Python)")
    ap.add_argument("--json", type=Path, help="write the JSON summary here")
    ap.add_argument("--repos", help="comma-separated <owner>+<name> to run (default: every inventory)")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--raw-dir", type=Path, help="keep each run's stdout/stderr here")
    ap.add_argument("--copy-without-python", type=Path, metavar="DIR",
                    help="copy each checkout to DIR/<name> without *.py files and run obslint there")
    ap.add_argument("--no-show-files", action="store_true", help="do not use --show-files even if supported")
    args = ap.parse_args(argv)

    obslint = str(Path(args.obslint).resolve()) if os.sep in args.obslint else args.obslint
    show = (not args.no_show_files) and supports_show_files(obslint)
    code_kinds = check_kinds(obslint)
    invs = sorted(args.inventories.glob("*.yaml"))
    wanted = set(args.repos.split(",")) if args.repos else None
    results = {}
    for inv_path in invs:
        name = inv_path.stem
        if wanted and name not in wanted:
            continue
        src = args.checkouts / name
        if not src.is_dir():
            print(f"skip {name}: no checkout at {src}", file=sys.stderr)
            continue
        inv = load_inventory(inv_path)
        tree = src
        if args.copy_without_python:
            tree = args.copy_without_python / name
            if tree.exists():
                shutil.rmtree(tree)
            shutil.copytree(src, tree, symlinks=True, ignore=shutil.ignore_patterns("*.py", "*.pyc", "*.pyw", ".git"))
        print(f"running {name} ...", file=sys.stderr)
        results[name] = analyse_repo(name, inv, tree.resolve(), obslint, args.timeout, show, code_kinds,
                                     bool(args.copy_without_python), args.raw_dir)
    meta = {"obslint": obslint, "version": obslint_version(obslint), "show_files": show,
            "python_stripped": str(args.copy_without_python) if args.copy_without_python else None,
            "timeout": args.timeout}
    sys.stdout.write(human(results, meta))
    if args.json:
        totals = Counter()
        for r in results.values():
            for k, v in r["errors_by_category"].items():
                totals["errors:" + k] += v
            for k, v in r["by_severity"].items():
                totals[k] += v
            totals["false_by_definition_errors"] += r["false_by_definition_errors"]
        args.json.write_text(json.dumps({"meta": meta, "totals": dict(totals), "repos": results}, indent=2,
                                        ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
