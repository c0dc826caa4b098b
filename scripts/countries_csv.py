"""Regenerates cohorts/data/countries.csv from country_converter's data file.

Usage: pip download --no-deps country_converter, then
       python scripts/countries_csv.py path/to/country_converter-*.whl > cohorts/data/countries.csv
"""

import csv
import datetime as dt
import io
import re
import sys
import zipfile

# UNCTAD's "developed economies" outside Europe and Northern America.
DEVELOPED_ELSEWHERE = {"IL", "JP", "KR", "AU", "NZ", "CY"}

HEADER = """\
# Countries (ISO 3166-1 alpha-2) with their UN M49 sub-region, continent and Global South flag.
# Sub-region: UN Statistics Division, Standard country or area codes for statistical use (M49),
#   as carried in the 'UNregion' column of country_converter {version} (data file country_data.tsv).
# Continent: the seven-continent grouping of the same file ('Continent_7').
# Global South: UNCTAD's classification of economies (UNCTADstat, 2023): 'developed' are
#   Northern America and Europe (Cyprus included), plus Israel, Japan, the Republic of Korea,
#   Australia and New Zealand;
#   every other economy is 'developing', counted here as the Global South.
# Generated on {date}. Regenerate from the sources named above; do not edit rows by hand.
"""


def main(wheel: str) -> None:
    archive = zipfile.ZipFile(wheel)
    version = wheel.rsplit("/", 1)[-1].split("-")[1]
    text = archive.read("country_converter/country_data.tsv").decode()
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    sys.stdout.write(HEADER.format(version=version, date=dt.date.today().isoformat()))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["iso2", "subregion", "continent", "global_south"])
    for row in sorted(rows, key=lambda r: re.sub(r"[^A-Z]", "", r["ISO2"])):
        # A few rows hold a pattern such as "^GR$|^EL$": the first code is the ISO one.
        codes = re.findall(r"[A-Z]{2}", row["ISO2"])
        code, continent = (codes[0] if codes else ""), row["Continent_7"]
        if len(code) != 2 or row["obsolete"] not in ("", "nan") or not row["UNregion"]:
            continue
        if continent in ("", "Antarctica"):
            continue
        developed = (
            continent == "Europe"
            or row["UNregion"] == "Northern America"
            or code in DEVELOPED_ELSEWHERE
        )
        out.writerow([code, row["UNregion"], continent, "no" if developed else "yes"])


if __name__ == "__main__":
    main(sys.argv[1])
