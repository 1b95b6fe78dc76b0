"""Benchmark: analysing 1 000, 10 000 and 50 000 answers (stances, distributions, passage vectors, themes and
who answered alike) on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/analysis.py \
        [--sizes 1000,10000,50000] [--stages stances,distributions,vectors,embedding]

A throwaway database (see harness.py) gets a register and, per size, a consultation with five stance questions
built like benchmarks/reading.py's, but with answers of realistic length and variety: each answer to a question is
60–250 words drawn from eight subjects (public transport, housing, health care, skills, finance, schools,
the environment, governance), with the body's own place names and figures filled in, and one decision sentence.
One in twenty answers was registered from paper: it has the text but no stance, so the stance reader has work.

Stages, each timed once per size (wall clock, this process, two cores):
- stances: `analysis.services.stances_read` over every answer without a stance (reads and records them);
- distributions: `analysis.distribution.consultation_distributions` (counts and population-weighted, all questions);
- vectors: the passages of question 1's answers and `vectors.lemma_vectors` over them (the method used above
  ANALYSIS_EMBED_MAX_PASSAGES);
- embedding: multilingual-e5-small (`embeddings.embed`) on a sample of --embed-sample distinct passages, printed
  as passages per second and the time the whole question's passages would take at that rate (an estimate).
"""

import argparse
import random
import time

import harness
from reading import make_consultation, make_register

from samrad.accounts.models import Membership, User
from samrad.analysis import embeddings, vectors
from samrad.analysis.distribution import consultation_distributions
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


def clock(label: str, size: int, call) -> object:
    started = time.perf_counter()
    result = call()
    print(f"{size:>7}  {label:<44} {time.perf_counter() - started:>9.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--stages", default="stances,distributions,vectors,embedding")
    parser.add_argument("--embed-sample", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    stages = set(args.stages.split(","))

    with harness.throwaway_database() as database:
        print(f"Database: {database}. Stages: {', '.join(sorted(stages))}.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        print(f"{'answers':>7}  {'stage':<44} {'time':>11}")
        for size in sizes:
            consultation = clock(
                "build the consultation (not analysis)",
                size,
                lambda size=size: make_consultation(region, bodies[:size], coordinator, realistic_answers()),
            )
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
            if "embedding" in stages:
                sample = list(dict.fromkeys(passages))[: args.embed_sample]
                started = time.perf_counter()
                embeddings.embed(sample)
                rate = len(sample) / (time.perf_counter() - started)
                print(
                    f"{size:>7}  {'embedding: e5-small on a sample':<44} {rate:>7.1f} passages/s; all {distinct} "
                    f"distinct passages of question 1 would take {distinct / rate / 60:.0f} min"
                )


if __name__ == "__main__":
    main()
