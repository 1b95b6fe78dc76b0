"""Benchmark: building the remiss compilation of a consultation and writing it in its four formats.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/compilation.py

The consultation is the one benchmarks/reading.py builds (five stance questions; answers bulk-inserted as the
services store them: one in ten corrected, one in twenty registered from paper without a stance, one in fifty
unsolicited), closed through the lifecycle service. Then, for each size, it times `compilation_content` (the data
every format reads) and each of HTML, DOCX, XLSX and PDF written from that content, and prints the size of each
file. Each step runs --runs times (default 1: the PDF of a large consultation takes minutes).

Options: --sizes 200,1000  --runs 1  --formats html,docx,xlsx,pdf (leave pdf out at 10 000 answers and more: it
takes about 30 ms per account, so hours). Without DATABASE_URL the embedded SQLite is measured instead.
"""

import argparse
import statistics
import time

import harness
from reading import analyse, make_consultation, make_register

from samrad.accounts.models import Membership, User
from samrad.consultations.lifecycle import consultation_transition
from samrad.consultations.models import Consultation
from samrad.reports import formats
from samrad.reports.content import compilation_content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000", help="numbers of answers, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per step")
    parser.add_argument("--formats", default="html,docx,xlsx,pdf", help="formats to write, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.throwaway_database() as database:
        print(f"Database: {database}, {args.runs} run(s) per step.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        print(f"{'answers':>7}  {'step':<22} {'median s':>9} {'KB':>8}")
        for size in sizes:
            consultation = make_consultation(region, bodies[:size], coordinator)
            consultation_transition(actor=coordinator, consultation=consultation, to_status=Consultation.Status.CLOSED)
            analyse()
            times: list[float] = []
            for _ in range(args.runs):
                start = time.perf_counter()
                content = compilation_content(consultation, summary="Sammanfattning. " * 50)
                times.append(time.perf_counter() - start)
            print(f"{size:>7}  {'content':<22} {statistics.median(times):>9.2f} {'':>8}")
            for file_format in args.formats.split(","):
                times = []
                data = b""
                for _ in range(args.runs):
                    start = time.perf_counter()
                    data, _content_type = formats.compilation_file(content, file_format)
                    times.append(time.perf_counter() - start)
                print(f"{size:>7}  {file_format:<22} {statistics.median(times):>9.2f} {len(data) / 1024:>8.0f}")


if __name__ == "__main__":
    main()
