"""Audit the locked runtime dependencies for known vulnerabilities with pip-audit.

Fails (exit 1) when any locked package has a known vulnerability. When no vulnerability
service can be reached (a machine whose package index is a mirror without PyPI's JSON API),
pip-audit skips every package; this says so loudly rather than reporting a clean audit.
"""

import json
import subprocess
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements" / "base.txt"


def main() -> int:
    command = [
        Path(sys.executable).with_name("pip-audit"),
        "--disable-pip",
        "--require-hashes",
        "--requirement",
        LOCK,
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit could not run:\n{done.stderr[-2000:]}", file=sys.stderr)
        return 1
    packages = report["dependencies"]
    skipped = [package for package in packages if "skip_reason" in package]
    vulnerable = [package for package in packages if package.get("vulns")]
    for package in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in package["vulns"])
        print(f"VULNERABLE {package['name']} {package['version']}: {ids}")
    audited = len(packages) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(packages)} locked packages audited, "
        f"{len(vulnerable)} vulnerable."
    )
    if skipped and not audited:
        print(
            "pip-audit: no vulnerability service was reachable from this machine, so nothing "
            "was audited (run `make audit` where pypi.org or api.osv.dev answers).",
            file=sys.stderr,
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
