"""A worker's memory over 500 certificates: the resident set after 50 (caches warm) and after
500, and the growth per certificate between the two, which should be about nothing.

``python -m bench.certificate_memory [--count 500]`` prints the figures on its own, against
the database in ``DATABASE_URL`` (what it makes there is rolled back). ``python -m bench``
runs the same measurement as the scenario "certificate worker memory, 500 certificates".
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

COUNT = 500
WARM = 50  # certificates rendered before the first sample: fonts, stylesheet, caches loaded


@dataclass(frozen=True)
class MemoryFigures:
    count: int
    seconds: float
    rss_warm_kib: int  # after WARM certificates
    rss_end_kib: int  # after ``count``
    peak_kib: int  # the process's high-water mark

    @property
    def growth_per_certificate_kib(self) -> float:
        return (self.rss_end_kib - self.rss_warm_kib) / (self.count - WARM)

    def describe(self) -> str:
        return (
            f"RSS {self.rss_warm_kib / 1024:.1f} MiB after {WARM}, "
            f"{self.rss_end_kib / 1024:.1f} MiB after {self.count} "
            f"({self.growth_per_certificate_kib:+.2f} KiB per certificate), "
            f"peak {self.peak_kib / 1024:.1f} MiB"
        )


def status_kib(field: str) -> int:
    """A ``/proc/self/status`` figure in KiB (VmRSS, VmHWM): no psutil needed."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(*, certificate_pk: int, count: int = COUNT) -> MemoryFigures:
    """Render the certificate ``count`` times in this process, as a worker would (each render
    reads the certificate afresh), sampling the resident set after WARM and at the end."""
    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf

    started = time.perf_counter()
    rss_warm = 0
    for number in range(1, count + 1):
        certificate = Certificate.objects.select_related("cohort__programme").get(pk=certificate_pk)
        render_certificate_pdf(certificate=certificate)
        if number == WARM:
            rss_warm = status_kib("VmRSS")
    return MemoryFigures(
        count=count,
        seconds=time.perf_counter() - started,
        rss_warm_kib=rss_warm,
        rss_end_kib=status_kib("VmRSS"),
        peak_kib=status_kib("VmHWM"),
    )


def make_certificate() -> int:
    """A certificate with a letterhead and three signatories (no images: nothing to fetch)."""
    from tests.factories import CertificateFactory, CertificateSettingsFactory, SignatoryFactory

    certificate = CertificateFactory(name="Ελένη Østergård-Đorđević")
    CertificateSettingsFactory(cohort=certificate.cohort)
    for position, name in enumerate(["Алексей Смирнов", "Çağrı Öztürk", "Lucia D'Amico"]):
        SignatoryFactory(cohort=certificate.cohort, name=name, position=position)
    return certificate.pk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    args = parser.parse_args(argv)
    if args.count <= WARM:
        parser.error(f"--count must be more than {WARM}")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metlib.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        figures = measure(certificate_pk=make_certificate(), count=args.count)
        transaction.set_rollback(True)
    print(f"{figures.count} certificates in {figures.seconds:.1f} s: {figures.describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
