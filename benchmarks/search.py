"""Benchmark: indexing and searching 10 000 knowledge-base documents of generated Swedish text.

    .venv/bin/python benchmarks/search.py                                                        # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/search.py

Django's test-database machinery creates a throwaway database next to the one DATABASE_URL names (here
test_samrad_bench; without DATABASE_URL a SQLite file under var/bench), migrates it, fills it and drops it at the
end; nothing else is touched. The documents are knowledge-base entries, each with a stored file of --pages pages
of generated Swedish text (about 150 words a page, drawn with Zipf's law from about 4 000 inflected forms of
common words and compounds, so that the index sees "kommun", "kommunen", "kommunerna", "bostadsplanerna" ...,
and a rare word occurs in few documents, as in real text); a third are public, a third for
coordinators, a third shared with one of 50 organisations. The file rows and their extracted pages are written
directly; what is measured is the indexing (`search_reindex`, the same code the periodic job and
`manage.py search_reindex` run) and then the search (`samrad.library.search.search`, as the page and the API
call it: visibility, full-text match, ranking, the page of 20 results, snippets) for an anonymous visitor and
for a member of one organisation, over a fixed list of one-word, two-word, `or` and phrase queries, each run
--runs times after one warm-up.

Printed: documents and index entries per second, and the search latency (median and 95th percentile, ms).
Options: --documents 10000 --pages 3 --runs 5 --seed 2016.
"""

import argparse
import random
import statistics
import time

import harness
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.documents.models import DocumentPage, StoredFile
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument, SearchEntry
from samrad.library.search import search
from samrad.organisations.models import Organisation

# Inflected forms of words that public bodies write about; the generator draws whole forms.
LEXICON = """
kommun kommunen kommuner kommunerna kommunens kommunernas region regionen regioner regionerna regionens
regionbildning regionbildningen regionbildningar landsting landstinget landstingets län länet länets
förslag förslaget förslagen remiss remissen remisser remissvar remissvaret yttrande yttrandet yttranden
utredning utredningen utredningar betänkande betänkandet beslut beslutet besluten nämnd nämnden nämnderna
styrelse styrelsen kollektivtrafik kollektivtrafiken trafik trafiken buss bussen bussar tåg tåget pendling
pendlingen pendlar bostad bostaden bostäder bostäderna bostadsbyggande planering planeringen plan planen
planer översiktsplan översiktsplanen infrastruktur infrastrukturen väg vägen vägar vägarna sjukvård
sjukvården vård vården hälsa hälsan skola skolan skolor skolorna elev eleverna lärare utbildning utbildningen
befolkning befolkningen invånare invånarna ekonomi ekonomin kostnad kostnaden kostnader kostnaderna budget
budgeten skatt skatten skatteintäkter finansiering finansieringen samverkan samverkansformer samarbete
samarbetet ansvar ansvaret uppdrag uppdraget miljö miljön klimat klimatet energi energin vatten vattnet
grundvatten avlopp avloppet natur naturen kultur kulturen näringsliv näringslivet företag företagen
arbetsmarknad arbetsmarknaden kompetens kompetensförsörjning tillväxt tillväxten utveckling utvecklingen
demokrati demokratin medborgare medborgarna dialog dialogen möte mötet möten mötena anteckningar
minnesanteckningar protokoll protokollet beslutsunderlag underlag underlaget statistik statistiken rapport
rapporten rapporter analys analysen konsekvens konsekvenser konsekvenserna gotland stockholm södertörn
nordost norrtälje nacka huddinge solna sundbyberg järfälla botkyrka haninge tyresö värmdö lidingö
föreslår föreslog anser ansåg tillstyrker avstyrker bedömer bedömde behöver behövs ska skulle kan kunde
ökar ökade minskar minskade påverkar påverkade gemensam gemensamma regional regionala kommunal kommunala
statlig statliga långsiktig långsiktiga hållbar hållbara stor större största ny nya nytt viktig viktiga
"""
# Swedish compounds (prefix + head, in the head's inflected forms) give the vocabulary of thousands of words that
# real documents have, so that most words occur in few documents, as in a real knowledge base.
PREFIXES = """
bostads trafik region kommun läns vård skol miljö energi vatten kultur närings arbets utbildnings befolknings
planerings samverkans kompetens infrastruktur budget skatte demokrati stads lands cykel kust skogs jordbruks
bygg hälso omsorgs äldre barn ungdoms fritids idrotts turism hamn flyg järnvägs
"""
HEADS = """
plan:planen:planer:planerna fråga:frågan:frågor:frågorna utredning:utredningen:utredningar:utredningarna
område:området:områden:områdena kostnad:kostnaden:kostnader:kostnaderna förvaltning:förvaltningen:förvaltningar
nämnd:nämnden:nämnder:nämnderna strategi:strategin:strategier:strategierna program:programmet:programmen
beslut:beslutet:besluten behov:behovet:behoven samarbete:samarbetet:samarbeten utveckling:utvecklingen
ansvar:ansvaret verksamhet:verksamheten:verksamheter:verksamheterna organisation:organisationen:organisationer
analys:analysen:analyser rapport:rapporten:rapporter mål:målet:målen avtal:avtalet:avtalen styrning:styrningen
finansiering:finansieringen uppföljning:uppföljningen politik:politiken reform:reformen:reformer
satsning:satsningen:satsningar översyn:översynen lösning:lösningen:lösningar insats:insatsen:insatser
"""
FILLER_WORDS = "och att i en som på den med för till är ett om av det de inte har vi kan också men så"
QUERIES = [
    "kommunerna",
    "regionbildningen",
    "kollektivtrafik",
    "bostäderna",
    "sjukvården finansiering",
    "översiktsplanen",
    "kompetensförsörjning",
    "gotland",
    "grundvatten or avlopp",
    "skatteintäkter kommunernas",
    '"regionala utvecklingen"',
    "remissvaret tillstyrker",
    "befolkningen ökar",
    "demokratin",
    "infrastrukturen vägarna",
    "miljön klimatet",
    "bostadsplanerna",
    "trafikutredningen",
    "vårdorganisationen or omsorgsorganisationen",
    "energistrategin kostnaderna",
    "hamnområdet",
]


def vocabulary() -> list[str]:
    compounds = [prefix + form for prefix in PREFIXES.split() for head in HEADS.split() for form in head.split(":")]
    return LEXICON.split() + compounds


def words(rng: random.Random, count: int, lexicon: list[str], weights: list[float]) -> str:
    drawn = rng.choices(lexicon, weights=weights, k=count)
    out = []
    for word in drawn:
        out.append(word)
        if rng.random() < 0.35:
            out.append(rng.choice(FILLER_WORDS.split()))
    sentences = []
    for start in range(0, len(out), 12):
        sentence = " ".join(out[start : start + 12])
        sentences.append(sentence[:1].upper() + sentence[1:] + ".")
    return " ".join(sentences)


def make_corpus(count: int, pages: int, seed: int) -> tuple[list[Organisation], User]:
    """`count` documents with stored files of `pages` pages; 50 organisations; one member of the first."""
    rng = random.Random(seed)  # noqa: S311 - generated text, not secrets
    lexicon = vocabulary()
    rng.shuffle(lexicon)
    weights = [1.0 / (rank + 1) for rank in range(len(lexicon))]
    organisations = Organisation.objects.bulk_create(
        [Organisation(kind=Organisation.Kind.MUNICIPALITY, name=f"Kommun {n:02d}") for n in range(50)]
    )
    member = User.objects.create_user(username="bench", email="svar@example.se", password=None)
    Membership.objects.create(user=member, organisation=organisations[0], role=Membership.Role.RESPONDENT)
    now = timezone.now()
    visibilities = list(LibraryDocument.Visibility)
    batch = 1000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            files = StoredFile.objects.bulk_create(
                [
                    StoredFile(
                        file=f"files/bench/{start + i}.pdf",
                        original_name=f"underlag-{start + i}.pdf",
                        kind="pdf",
                        content_type="application/pdf",
                        extension=".pdf",
                        size=50_000,
                        sha256="0" * 64,
                        uploaded_at=now,
                        text_state=StoredFile.TextState.EXTRACTED,
                        text_extracted_at=now,
                    )
                    for i in range(size)
                ]
            )
            DocumentPage.objects.bulk_create(
                [
                    DocumentPage(file=stored, number=number, text=words(rng, 150, lexicon, weights))
                    for stored in files
                    for number in range(1, pages + 1)
                ],
                batch_size=2000,
            )
            documents = LibraryDocument.objects.bulk_create(
                [
                    LibraryDocument(
                        title=words(rng, 6, lexicon, weights).rstrip(".")[:300],
                        summary=words(rng, 40, lexicon, weights),
                        kind=rng.choice(list(LibraryDocument.Kind)),
                        organisation=rng.choice(organisations),
                        file=stored,
                        visibility=visibilities[(start + i) % 3],
                    )
                    for i, stored in enumerate(files)
                ]
            )
            Through = LibraryDocument.readers.through
            Through.objects.bulk_create(
                [
                    Through(librarydocument_id=document.pk, organisation_id=rng.choice(organisations).pk)
                    for document in documents
                    if document.visibility == LibraryDocument.Visibility.ORGANISATIONS
                ]
            )
    return organisations, member


def measure_search(user: object, runs: int) -> dict[str, float]:
    timings = []
    hits = 0
    for query in QUERIES:
        search(user=user, query=query)  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            results = search(user=user, query=query, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
            hits += results.total
    return {
        "median": statistics.median(timings),
        "p95": harness.percentile(timings, 0.95),
        "matches": hits / (len(QUERIES) * runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=3, help="pages of text per document")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each query")
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()

    with harness.throwaway_database() as database:
        print(f"Database: {database}")
        started = time.perf_counter()
        _organisations, member = make_corpus(args.documents, args.pages, args.seed)
        print(f"Generated {args.documents} documents x {args.pages} pages in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        counts = search_reindex(sources=["library_document"])
        elapsed = time.perf_counter() - started
        entries = SearchEntry.objects.count()
        assert counts["library_document"] == entries
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE library_searchentry")
        print(
            f"Indexed {args.documents} documents ({entries} entries) in {elapsed:.1f} s: "
            f"{args.documents / elapsed:.0f} documents/s, {entries / elapsed:.0f} entries/s"
        )
        print(f"\nSearch, {len(QUERIES)} queries x {args.runs} runs each, 20 results a page with snippets:")
        print(f"{'who':<28} {'median ms':>10} {'p95 ms':>8} {'matches/query':>14}")
        for label, user in (("anonymous (public only)", AnonymousUser()), ("member of one organisation", member)):
            result = measure_search(user, args.runs)
            print(f"{label:<28} {result['median']:>10.1f} {result['p95']:>8.1f} {result['matches']:>14.0f}")


if __name__ == "__main__":
    main()
