"""Benchmark: analysing 1 000, 10 000 and 50 000 answers (stances, distributions, passage vectors, themes and
who answered alike) on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/analysis.py \
        [--sizes 1000,10000,50000] [--stages stances,distributions,vectors,themes,alike,embedding]

A throwaway database (see harness.py) gets a register and, per size, a consultation with five stance questions
built like benchmarks/reading.py's, but with answers of realistic length and variety: each answer to a question is
60–250 words drawn from eight subjects (public transport, housing, health care, skills, finance, schools,
the environment, governance), with the body's own place names and figures filled in, and one decision sentence.
One in twenty answers was registered from paper: it has the text but no stance, so the stance reader has work.

The planner's statistics are updated after the bulk load (ANALYZE, as autovacuum would). Stages, each timed once
per size (wall clock, this process, two cores), with the peak resident memory of the process during the stage
(sampled every 50 ms) and its peak so far (ru_maxrss):
- stances: `analysis.services.stances_read` over every answer without a stance (reads and records them);
- distributions: `analysis.distribution.consultation_distributions` (counts and population-weighted, all questions);
- vectors: the passages of question 1's answers and `vectors.lemma_vectors` over them (the method used above
  ANALYSIS_EMBED_MAX_PASSAGES);
- embedding: multilingual-e5-small (`embeddings.embed`) on a sample of --embed-sample distinct passages (the last
  answers', not yet in the cache), printed as passages per second and the time the whole question's passages
  would take at that rate (an estimate);
- themes: a whole theme run over all five questions, as the task does it (`theme_services.themes_run_start`, then
  `themes_build`), with the method chosen automatically (`vectors.method_for`: embeddings while at most
  ANALYSIS_EMBED_MAX_PASSAGES distinct passages are new to the embedding cache, else lemma vectors);
- alike: a whole "who answered alike" run (`alike.similarity_build`), method chosen the same way.
The embedding stage runs last, so that its sample is not yet in the cache when themes and alike decide.
"""

import argparse
import random
import resource
import threading
import time
from pathlib import Path

import harness
from reading import analyse as update_statistics
from reading import make_consultation, make_register

from samrad.accounts.models import Membership, User
from samrad.analysis import alike, embeddings, theme_services, vectors
from samrad.analysis.distribution import consultation_distributions
from samrad.analysis.models import Theme, ThemeQuote
from samrad.analysis.segmentation import sentences
from samrad.analysis.services import stances_read
from samrad.consultations.models import Stance
from samrad.consultations.selectors_reading import current_submissions

SUBJECTS = {
    "kollektivtrafik": [
        "Kollektivtrafiken mellan {place} och regioncentrum behöver fler avgångar, särskilt kvällstid.",
        "Pendlare från {place} har i dag {n} minuters restid till närmaste knutpunkt, vilket är för långt.",
        "En gemensam biljettzon för hela regionen skulle underlätta för invånarna i {place}.",
        "Busstrafiken på landsbygden kring {place} riskerar att försämras om ansvaret flyttas.",
    ],
    "bostäder": [
        "Bostadsbyggandet i {place} har stannat av och kommunen behöver stöd för att nå målet om {n} bostäder.",
        "Den regionala planeringen måste ta hänsyn till kommunernas översiktsplaner, inte minst i {place}.",
        "Markpriserna i {place} gör det svårt att bygga hyresrätter med rimliga hyror.",
    ],
    "vård": [
        "Hemsjukvården i {place} fungerar väl i dag och ansvarsfördelningen får inte bli otydlig.",
        "Vårdcentralen i {place} har svårt att rekrytera, och väntetiderna är {n} dagar i genomsnitt.",
        "Samverkan mellan kommunens omsorg och regionens vård behöver formaliseras i avtal.",
    ],
    "kompetens": [
        "Kompetensförsörjningen är den största utmaningen för {place} de kommande {n} åren.",
        "Det saknas sjuksköterskor, lärare och ingenjörer i de mindre kommunerna, bland annat i {place}.",
        "Regionen bör ta ett större ansvar för yrkesutbildning i samarbete med kommunerna.",
    ],
    "finansiering": [
        "Förslaget saknar en analys av kostnaderna, som för {place} kan bli omkring {n} miljoner kronor per år.",
        "Det kommunala utjämningssystemet måste ses över om uppgifter flyttas till regionen.",
        "Finansieringen av de nya uppgifterna är oklar och riskerar att belasta kommunernas budget.",
    ],
    "skola": [
        "Gymnasieskolan i {place} samverkar redan med grannkommunerna och den ordningen bör bestå.",
        "Elevernas resor till skolor i andra kommuner kostar {place} omkring {n} kronor per elev.",
    ],
    "miljö": [
        "Klimatmålen kräver en samlad regional planering av trafik och bebyggelse, även runt {place}.",
        "Vattenförsörjningen i {place} är sårbar och behöver lösas tillsammans med grannkommunerna.",
    ],
    "styrning": [
        "Den demokratiska förankringen i den nya regionen måste säkras, så att {place} får ett verkligt inflytande.",
        "Kommunerna bör ha en plats i regionens beredningar och inte bara informeras i efterhand.",
        "Avståndet mellan invånarna i {place} och beslutsfattarna riskerar att öka i en större region.",
    ],
}
DECISIONS = {
    Stance.SUPPORT: "Kommunstyrelsen beslutar att tillstyrka förslaget.",
    Stance.SUPPORT_WITH_CHANGES: "Kommunen tillstyrker förslaget under förutsättning att finansieringen säkras.",
    Stance.OPPOSE: "Kommunstyrelsen beslutar att avstyrka förslaget.",
    Stance.NO_COMMENT: "Kommunen har inga synpunkter på förslaget.",
    Stance.ABSTAIN: "Nämnden avstår från att yttra sig över remissen.",
}
PLACES = ["Norrtälje", "Nynäshamn", "Södertälje", "Vallentuna", "Ekerö", "Värmdö", "Sigtuna", "Botkyrka", "Haninge"]


def answer_text(rng: random.Random, stance: str) -> str:
    subjects = rng.sample(list(SUBJECTS), k=rng.randint(2, 4))
    wanted = rng.randint(60, 250)
    sentences_out: list[str] = []
    words = 0
    while words < wanted:
        template = rng.choice(SUBJECTS[rng.choice(subjects)])
        sentence = template.format(place=rng.choice(PLACES), n=rng.randint(2, 900))
        sentences_out.append(sentence)
        words += len(sentence.split())
    sentences_out.insert(rng.randint(0, len(sentences_out)), DECISIONS[Stance(stance)])
    return " ".join(sentences_out)


def realistic_answers(seed: int = 20):
    rng = random.Random(seed)  # noqa: S311 (generated text, not secrets)
    stances = list(DECISIONS)

    def answer_for(n: int, i: int, number: int, paper: bool) -> tuple[str, str]:
        stance = stances[(n * 7 + i * 3 + number) % len(stances)]
        text = answer_text(rng, stance)
        return ("" if paper else stance.value), text

    return answer_for


def passages_of(text: str, size: int = 400) -> list[str]:
    out, current = [], ""
    for sentence in sentences(text):
        piece = sentence.text
        if current and len(current) + len(piece) > size:
            out.append(current)
            current = ""
        current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return out


class PeakMemory:
    """The process's peak resident memory while in the block, sampled from /proc every 50 ms (Linux)."""

    PAGE = resource.getpagesize()

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def _resident(self) -> int:
        try:
            return int(Path("/proc/self/statm").read_text().split()[1]) * self.PAGE
        except OSError:
            return 0

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self._resident())

    def __enter__(self) -> "PeakMemory":
        self.peak = self._resident()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._resident())


def clock(label: str, size: int, call) -> object:
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = call()
        took = time.perf_counter() - started
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{size:>7}  {label:<44} {took:>9.1f} s {memory.peak / 2**20:>8.0f} MB {max_rss:>8.0f} MB",
        flush=True,
    )
    return result


def themes_run(consultation, coordinator):
    run = theme_services.themes_run_start(actor=coordinator, consultation=consultation)
    return theme_services.themes_build(run_id=run.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--stages", default="stances,distributions,vectors,themes,alike,embedding")
    parser.add_argument("--embed-sample", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    stages = set(args.stages.split(","))

    with harness.throwaway_database() as database:
        print(f"Database: {database}. Stages: {', '.join(sorted(stages))}.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        print(f"{'answers':>7}  {'stage':<44} {'time':>11} {'peak RSS':>11} {'max RSS':>11}")
        for size in sizes:
            consultation = clock(
                "build the consultation (not analysis)",
                size,
                lambda size=size: make_consultation(region, bodies[:size], coordinator, realistic_answers()),
            )
            update_statistics()
            if "stances" in stages:
                report = clock(
                    "stances: read the answers without one",
                    size,
                    lambda c=consultation: stances_read(actor="system", consultation=c),
                )
                print(f"{'':>9}recorded {len(report.recorded)}, unclear {len(report.unclear)}")
            if "distributions" in stages:
                clock("distributions: all questions", size, lambda c=consultation: consultation_distributions(c))
            question = consultation.questions.order_by("order").first()
            texts = [
                next((a["text"] for a in s.content.get("answers", []) if a["question_id"] == question.pk), "")
                for s in current_submissions(consultation)
            ]
            passages = [p for text in texts for p in passages_of(text)]
            distinct = len(set(passages))
            print(f"{'':>9}question 1: {len(texts)} answers, {len(passages)} passages ({distinct} distinct)")
            if "vectors" in stages:
                clock("vectors: lemma TF-IDF + SVD, question 1", size, lambda p=passages: vectors.lemma_vectors(p))
            if "themes" in stages:
                run = clock(
                    "themes: a whole run, all questions",
                    size,
                    lambda c=consultation: themes_run(c, coordinator),
                )
                print(
                    f"{'':>9}{run.status} {run.error}, method {run.method}: {run.total} distinct passages, "
                    f"{run.left_out} left out (over {theme_services.MAX_PASSAGES} per question), "
                    f"{Theme.objects.filter(run=run).count()} themes, "
                    f"{ThemeQuote.objects.filter(theme__run=run).count()} quotes"
                )
            if "alike" in stages:
                run = clock(
                    "alike: a whole similarity run",
                    size,
                    lambda c=consultation: alike.similarity_build(actor=coordinator, consultation=c),
                )
                groups = run.result["groups"]
                print(
                    f"{'':>9}{run.status}, method {run.method}: {run.result['answers']} answers, {len(groups)} "
                    f"groups holding {sum(len(g['members']) for g in groups)} answers "
                    f"(largest {max((len(g['members']) for g in groups), default=0)})"
                )
            if "embedding" in stages:
                # The last answers' passages: a smaller size's run has not embedded them already.
                sample = list(dict.fromkeys(passages))[-args.embed_sample :]
                started = time.perf_counter()
                embeddings.embed(sample)
                rate = len(sample) / (time.perf_counter() - started)
                print(
                    f"{size:>7}  {'embedding: e5-small on a sample':<44} {rate:>7.1f} passages/s; all {distinct} "
                    f"distinct passages of question 1 would take {distinct / rate / 60:.0f} min"
                )


if __name__ == "__main__":
    main()
