"""Benchmark: the stance reader's speed on generated answers of realistic length.

    .venv/bin/python benchmarks/stance_reader.py [--answers 2000] [--runs 3]

Each answer is a short letter or protocol extract of 150–900 words (like the remissvar a municipality, a region
or an agency writes): a heading, a few paragraphs describing the matter and the body's views, drawn from a fixed
set of Swedish sentences with a seeded random generator, and one decision sentence in one of the six stances.
The answers are read one after another in one process (one CPU core); printed: answers per second, mean
characters per answer, and the median time per answer over --runs passes (after one warm-up pass, which also
fills the lemma cache). No database is used.
"""

import argparse
import random
import statistics
import time

import harness  # noqa: F401  (sets up Django)

from samrad.analysis.stance import read_stance

HEADINGS = ["Yttrande över remiss", "Protokollsutdrag", "Remissvar", "Tjänsteskrivelse", "Sammanfattning"]
BODY = [
    "Kommunen har tagit del av förslaget och lämnar följande yttrande.",
    "Förslaget innebär att ansvaret för kollektivtrafiken i glesbygd förtydligas mellan kommun och region.",
    "Förvaltningen har inhämtat synpunkter från socialtjänsten, skolan och samhällsbyggnadsförvaltningen.",
    "Det är angeläget att invånarna i hela länet får likvärdig service, t.ex. inom hemsjukvården.",
    "Utredningen pekar på flera brister i dagens samverkan, bl.a. när det gäller informationsöverföring.",
    "Kostnaderna för genomförandet beräknas till omkring tolv miljoner kronor per år för länets kommuner.",
    "Kommunen vill särskilt lyfta fram behovet av kompetensförsörjning i de mindre kommunerna.",
    "Konsekvenserna för barn och unga behöver belysas närmare i det fortsatta arbetet.",
    "Det framgår inte tydligt hur uppföljningen ska gå till eller vem som ansvarar för den.",
    "Förslaget ligger i linje med kommunens översiktsplan och de mål fullmäktige har antagit.",
    "Ärendet har beretts av kommunledningskontoret i samråd med miljö- och byggnämnden.",
    "Kommunen ser ett stort värde i att regionen tar ett samlat grepp om frågan.",
]
DECISIONS = [
    "Kommunstyrelsen beslutar att tillstyrka förslaget.",
    "Kommunen tillstyrker förslaget under förutsättning att finansieringen säkras.",
    "Kommunstyrelsen beslutar att avstyrka förslaget.",
    "Kommunen har inga synpunkter på förslaget.",
    "Nämnden avstår från att yttra sig över remissen.",
    "Kommunen följer det fortsatta arbetet med intresse.",
]


def answers(count: int, seed: int = 10) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 (generated text, not secrets)
    out = []
    for _ in range(count):
        words_wanted = rng.randint(150, 900)
        paragraphs = [rng.choice(HEADINGS)]
        words = 0
        while words < words_wanted:
            paragraph = " ".join(rng.choice(BODY) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(DECISIONS))
        out.append("\n\n".join(paragraphs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    texts = answers(options.answers)
    for text in texts[:200]:
        read_stance(text)
    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        for text in texts:
            read_stance(text)
        timings.append(time.perf_counter() - started)
    seconds = statistics.median(timings)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"Stance reader: {len(texts)} answers, mean {chars:.0f} characters ({chars / 6.5:.0f} words) each")
    print(f"  {len(texts) / seconds:.0f} answers/second on one core; {1000 * seconds / len(texts):.2f} ms per answer")
    print(
        f"  estimated on one core: 1 000 answers {1000 * seconds / len(texts):.1f} s, 10 000 answers "
        f"{10000 * seconds / len(texts):.0f} s, 50 000 answers {50000 * seconds / len(texts):.0f} s"
    )


if __name__ == "__main__":
    main()
