"""Demo consultation, closed: the county council's and KSL's kommunremiss of the winter 2015/16 on the county
council taking over the regional development responsibility, with the municipalities' answers, ready to be
analysed (the "Analys" tab) and compiled (the "Sammanställning").

The municipalities' answers stress three topics, as the real answers did: what they expect of the county council,
how the organisation should be built, and how cooperation inside the region should work. Every answer is written
for the project (none is a real municipality's text), and recurring points (transport, housing, skills, health
care, financing, the smaller municipalities' voice, the subregions, democratic anchoring) come back in different
words from different municipalities, so that the theme analysis has something to find.

What the referral list shows when the demo has loaded it (26 municipalities of county 01):
- 19 answered on the platform with a stance, in 18 answers: Vallentuna's answer is co-signed by Österåker;
- 3 answered on paper, registered by the coordinator with the letter only and no stance set, so that the stance
  reader has something to read (Upplands-Bro supports, Vaxholm supports with changes, Danderyd opposes);
- 2 declined with a reason (Nykvarn, Sigtuna); 2 did not answer (Salem, Sundbyberg, whose registry is the demo's
  "registry only" municipality);
- 1 answer from a body not on the list, registered from an e-mail.

Who acts for a municipality: its demo respondent where the demo has one (Huddinge, Botkyrka, Nacka, Solna, Täby,
Norrtälje, Sigtuna), elsewhere its registry (`registry_access_ensure`, as the invitation's login link would), so
that most municipalities stay known only by their registry address.

Dates: the platform refuses a deadline in the past (`consultation_create`, `consultation_transition`), so the
replay runs on today's clock: created, opened, answered and closed (early, by the coordinator) when the demo loads,
with a deadline at the end of today. The winter of 2015/16 is in the title, the case numbers and the texts, not in
the platform's own dates, which record when things happened on the platform.

Idempotent (a consultation with the title is left as it is); every write goes through the services, as the
coordinator's and the respondents' own actions would, and is audited by them.
"""

import io
from dataclasses import dataclass

from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.accounts.registry import registry_access_ensure
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import Consultation, Question, Referral, Response
from samrad.consultations.referrals import referral_add
from samrad.consultations.responses import (
    answer_save,
    response_decline,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
    response_update_details,
    signatory_confirm,
    signatory_invite,
)
from samrad.consultations.services import (
    SenderDetails,
    consultation_close,
    consultation_create,
    consultation_open,
    document_add,
    question_add,
)
from samrad.documents.generation import PDF_LINE_WIDTH, make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.selectors import kind_filter

DEMO_ACTOR = "demo"
TITLE = "Kommunremiss: landstinget som regionalt utvecklingsansvarig i Stockholms län (vintern 2015/16)"

SUMMARY = (
    "Landstinget och KSL frågar länets 26 kommuner om landstinget ska ta över det regionala utvecklingsansvaret "
    "från länsstyrelsen, vad kommunerna väntar sig av en sådan region, hur organisationen bör byggas upp och hur "
    "samverkan mellan kommunerna och landstinget ska fungera."
)
BODY = (
    "Riksdagen har öppnat för att landsting kan ta över det regionala utvecklingsansvaret från länsstyrelsen. "
    "Landstingsfullmäktige har aviserat att Stockholms läns landsting vill ansöka om det, men först vill "
    "landstinget och KSL höra länets kommuner.\n\n"
    "Remissunderlaget beskriver vad ansvaret omfattar (den regionala utvecklingsplanen, regionala "
    "tillväxtmedel, länsplanen för transportinfrastruktur och kompetensförsörjning), och skisserar hur kommunerna "
    "kan få inflytande.\n\n"
    "Svara på frågan om ställningstagande och på de tre frågorna om förväntningar, organisation och samverkan. "
    "Ange vilket organ som har beslutat om svaret."
)
LETTER = (
    "Stockholms läns landsting och Kommunförbundet Stockholms Län ber härmed länets kommuner att yttra sig över "
    "förslaget att landstinget tar över det regionala utvecklingsansvaret.\n\n"
    "Vi vill särskilt veta vad kommunerna förväntar sig, hur organisationen bör se ut och hur samverkan inom "
    "regionen ska fungera. Svaren ligger till grund för landstingets ansökan och för den fortsatta dialogen "
    "mellan landstinget och kommunerna."
)
DOCUMENT_PAGES = [
    "Remissunderlag: Regionalt utvecklingsansvar i Stockholms län\n\n1. Bakgrund\nDet regionala "
    "utvecklingsansvaret i Stockholms län ligger i dag hos länsstyrelsen.\nLandstinget kan enligt lag ansöka om "
    "att ta över det.\n\n2. Vad ansvaret omfattar\nDen regionala utvecklingsplanen, fördelningen av regionala "
    "tillväxtmedel,\nlänsplanen för transportinfrastruktur och det regionala ansvaret för\nkompetensförsörjning.",
    "3. Kommunernas inflytande\nEtt politiskt samråd mellan landstinget och länets 26 kommuner, med stöd\nav KSL och "
    "av delregionala nätverk, föreslås bereda de viktigaste frågorna.\n\n4. Tidplan\nKommunernas svar "
    "sammanställs under våren. Landstingsfullmäktige\nbeslutar därefter om en ansökan till regeringen.",
]

QUESTIONS = [
    (
        Question.Kind.STANCE,
        "Ställer sig kommunen bakom att landstinget tar över det regionala utvecklingsansvaret i Stockholms län?",
        "avsnitt 1–2",
    ),
    (
        Question.Kind.TEXT,
        "Vilka förväntningar har kommunen på landstinget som regionalt utvecklingsansvarig?",
        "avsnitt 2",
    ),
    (
        Question.Kind.TEXT,
        "Hur bör organisationen för det regionala utvecklingsansvaret byggas upp, politiskt och på tjänstemannanivå?",
        "avsnitt 3",
    ),
    (
        Question.Kind.TEXT,
        "Hur vill kommunen att samverkan mellan kommunerna och landstinget ska fungera inom regionen?",
        "avsnitt 3",
    ),
]


@dataclass(frozen=True)
class PlatformAnswer:
    """One municipality's answer on the platform: the stance on question 1 and the four texts."""

    code: str
    stance: str
    their_reference: str
    decided_by: str
    texts: tuple[str, str, str, str]
    cosigner: str = ""  # the municipality code of a body that co-signs the answer


KS = "Kommunstyrelsen"

PLATFORM_ANSWERS = [
    PlatformAnswer(
        "0114",
        "support_with_changes",
        "KS/2016:41",
        KS,
        (
            "Upplands Väsby kommun är positiv till att landstinget tar över det regionala utvecklingsansvaret, men "
            "bara om kommunernas inflytande säkras innan ansökan lämnas. Det regionala perspektivet behöver hållas "
            "ihop i en organisation som också ansvarar för trafiken.",
            "Vi förväntar oss att landstinget prioriterar kollektivtrafiken i norra länet: fler avgångar på "
            "pendeltåget och snabba busslinjer till Arlanda och Kista. Kommunen bygger många bostäder nära "
            "stationerna, och då måste trafiken växa i samma takt.",
            "Vi vill ha ett politiskt samråd där alla kommuner har en egen plats och där ärendena bereds i god tid. "
            "Undvik en ny tung förvaltning; använd i stället den kompetens som redan finns hos länsstyrelsen och "
            "KSL.",
            "Samverkan bör bygga på det delregionala samarbetet i Stockholm Nordväst och Nordost. Kommunen vill "
            "vara med tidigt när den regionala utvecklingsplanen tas fram, inte bara få den på remiss när allt "
            "redan är bestämt.",
        ),
    ),
    PlatformAnswer(
        "0115",
        "support_with_changes",
        "KS 2016.022",
        "Kommunstyrelserna i Vallentuna och Österåker",
        (
            "Vallentuna och Österåker svarar gemensamt. Kommunerna ställer sig bakom att landstinget tar över "
            "ansvaret, under förutsättning att finansieringen är klarlagd och att kostnaderna inte vältras över "
            "på kommunerna.",
            "Roslagsbanan och vägarna i nordost är vår viktigaste fråga. Vi förväntar oss också att landstinget "
            "tar ett samlat grepp om kompetensförsörjningen, där gymnasie- och vuxenutbildningen behöver planeras "
            "över kommungränserna.",
            "Nordostkommunerna har ett väl fungerande samarbete som bör bli en del av strukturen. Ett regionalt "
            "samråd ska ha en tydlig roll och inte bli ytterligare en nivå som förlänger besluten.",
            "Vi vill se en samverkan där kommunerna är jämbördiga parter med landstinget. De mindre kommunerna får "
            "inte tappa inflytande för att de har få invånare; en röst per kommun i samrådet är rimligt.",
        ),
        cosigner="0117",
    ),
    PlatformAnswer(
        "0120",
        "support_with_changes",
        "KS 2016/0118",
        KS,
        (
            "Värmdö kommun tillstyrker förslaget med ändringar. Skärgårdens förutsättningar syns knappt i "
            "remissunderlaget och måste få en egen plats i det regionala utvecklingsarbetet.",
            "Vi förväntar oss en regional utvecklingsplan som tar hänsyn till landsbygd och skärgård: "
            "båttrafiken, vägarna till Gustavsberg och Värmdö, och bredband till de fast boende på öarna. "
            "Bostadsbyggandet i kommunen förutsätter att kollektivtrafiken byggs ut i takt med det.",
            "Organisationen bör vara enkel och öppen. Vi vill att det finns en särskild beredning för landsbygds- "
            "och skärgårdsfrågor, och att de folkvalda i samrådet har ett tydligt mandat från sina kommuner.",
            "Kommunerna ska vara med från början när strategierna tas fram. Samverkan behöver också ske på "
            "tjänstemannanivå i nätverk för trafik, planering och näringsliv, så att kunskapen från kommunerna "
            "kommer in tidigt.",
        ),
    ),
    PlatformAnswer(
        "0123",
        "support",
        "Kst 2016/44",
        "Kommunstyrelsen",
        (
            "Järfälla kommun tillstyrker att landstinget tar över det regionala utvecklingsansvaret. Att samla "
            "regional planering och kollektivtrafik hos samma huvudman ger bättre förutsättningar för länets "
            "tillväxt.",
            "Kommunen förväntar sig att bostadsförsörjningen blir en central regional fråga. Järfälla bygger tusentals "
            "bostäder längs tunnelbanan till Barkarby, och det kräver att trafik, skolor och vård planeras "
            "tillsammans med landstinget. Vi förväntar oss också att vårdens utbyggnad följer befolkningen.",
            "Ett politiskt organ där kommunerna och landstinget möts regelbundet räcker. Det viktiga är att "
            "ansvarsfördelningen är tydlig och att beslutsvägarna är korta.",
            "Samverkan ska vara ömsesidig: landstinget redovisar hur kommunernas synpunkter har tagits om hand, och "
            "kommunerna bidrar med sina planer. KSL bör ha en samordnande roll för kommunerna.",
        ),
    ),
    PlatformAnswer(
        "0125",
        "oppose",
        "KS16/27",
        "Kommunfullmäktige",
        (
            "Ekerö kommun avstyrker förslaget. Kommunen ser inte att en överflyttning av ansvaret löser några "
            "problem som länsstyrelsen inte kan lösa i dag, och frågan bör vänta tills Indelningskommittén har "
            "lagt sina förslag om större regioner.",
            "Om ansvaret ändå förs över förväntar vi oss att landstinget först och främst löser trafiken över "
            "Mälaröarna, med en ny förbindelse över Lövstafjärden, och att vårdcentralerna finns kvar i kommunen.",
            "Vi befarar att en ny regional organisation blir dyr och svår att överblicka. Ökad byråkrati och nya "
            "kostnader för skattebetalarna måste undvikas. Ansvaret mellan kommun, region och stat måste vara "
            "tydligt innan något förändras.",
            "Ekerö är en liten kommun och riskerar att bli överkörd av de stora. Samverkan måste därför ge varje "
            "kommun en verklig röst, inte ett inflytande som räknas efter folkmängd. Besluten måste förankras i "
            "kommunernas fullmäktige.",
        ),
    ),
    PlatformAnswer(
        "0126",
        "support",
        "KS-2016/112.109",
        KS,
        (
            "Huddinge kommun ställer sig bakom förslaget. En region med ett samlat ansvar för utvecklingsfrågor, "
            "kollektivtrafik och hälso- och sjukvård kan planera länet som en helhet.",
            "Vi förväntar oss att Flemingsberg utvecklas som regional stadskärna med Södertörns sjukhus, högskolor och "
            "ny spårtrafik. Tvärförbindelse Södertörn och Spårväg syd behöver prioriteras i länsplanen. Vi "
            "förväntar oss också att regionen arbetar mot arbetslösheten med vuxenutbildning och validering.",
            "Södertörnskommunernas samarbete bör vara en byggsten i organisationen. Ett regionalt politiskt samråd "
            "med alla kommuner, kompletterat med delregionala grupper, är en bra modell.",
            "Samverkan behöver bygga på förtroende och tydliga spelregler. Kommunerna vill vara delaktiga när "
            "prioriteringarna görs, och landstinget bör återkoppla regelbundet hur arbetet går.",
        ),
    ),
    PlatformAnswer(
        "0127",
        "support_with_changes",
        "KS/2016:88",
        KS,
        (
            "Botkyrka kommun är i huvudsak positiv till förslaget men vill se ändringar i hur kommunernas inflytande "
            "ska säkras. Utan en tydlig modell för samverkan riskerar regionen att styra över kommunernas "
            "planering.",
            "Kommunen förväntar sig att regionen tar ansvar för att minska skillnaderna i länet: i utbildning, "
            "hälsa och arbetsmarknad. Kompetensförsörjningen är avgörande, med yrkesutbildning som motsvarar "
            "arbetsgivarnas behov. Kollektivtrafiken till Alby, Fittja och Tumba måste byggas ut.",
            "Organisationen ska ha en tydlig demokratisk förankring. Företrädarna i samverkansorganet ska utses av "
            "kommunerna och redovisa för sina fullmäktige. Arbetet ska vara öppet för insyn.",
            "Vi vill se samverkan på lika villkor, med gemensamma mål och uppföljning. Det delregionala samarbetet på "
            "Södertörn fungerar väl och bör tas till vara.",
        ),
    ),
    PlatformAnswer(
        "0136",
        "support",
        "KS 2016/77",
        KS,
        (
            "Haninge kommun tillstyrker att landstinget tar över det regionala utvecklingsansvaret. Det är naturligt "
            "att den som ansvarar för kollektivtrafik och vård också har ansvaret för den regionala utvecklingen.",
            "Vi förväntar oss att Haninge centrum utvecklas som regional stadskärna och att pendeltåget till "
            "Västerhaninge och Nynäshamn får fler avgångar. Bostadsbyggandet i södra länet förutsätter att "
            "trafiken och vården byggs ut samtidigt.",
            "Organisationen bör bygga på det som finns: ett politiskt samråd där alla kommuner ingår, och "
            "delregionala nätverk för beredning. Södertörnssamarbetet ska ha en självklar plats.",
            "Vi förväntar oss en samverkan där kommunerna får vara med tidigt och där landstinget ser kommunerna som "
            "partner, inte som remissinstanser.",
        ),
    ),
    PlatformAnswer(
        "0138",
        "support_with_changes",
        "KS 2016/KS0049",
        KS,
        (
            "Tyresö kommun tillstyrker förslaget med ändringar. Kommunen ser fördelar med ett samlat regionalt "
            "ansvar, men finansieringen är oklar och det måste framgå att kommunerna inte får nya kostnader.",
            "Tyresö saknar spårtrafik, och kommunen förväntar sig att regionen tar ett ansvar för en stombuss- eller "
            "spårlösning mot Gullmarsplan. Vi förväntar oss även ett samlat regionalt grepp om "
            "bostadsförsörjningen, så att alla kommuner tar sin del.",
            "Det behövs en tydlig rollfördelning mellan landstinget, länsstyrelsen och kommunerna. Vi vill inte se "
            "dubbla organisationer; resurserna ska följa med ansvaret från länsstyrelsen.",
            "Samverkan bör ske i ett politiskt forum med en plats per kommun och i tjänstemannanätverk för "
            "planering och trafik.",
        ),
    ),
    PlatformAnswer(
        "0160",
        "oppose",
        "KS 2016/21-10",
        KS,
        (
            "Täby kommun avstyrker förslaget. Kommunen anser att ansvaret fungerar väl hos länsstyrelsen och att en "
            "överflyttning riskerar att ge en ny politisk nivå med egna ambitioner och högre skatt.",
            "Om landstinget ändå tar över förväntar vi oss att det koncentrerar sig på sina kärnuppgifter: vården "
            "och kollektivtrafiken, inklusive Roslagsbanans förlängning till city. Landstinget ska inte lägga sig i "
            "kommunernas planering av bostäder.",
            "Organisationen måste vara liten och kostnadseffektiv. Vi vill inte se en ny förvaltning som byggs upp "
            "parallellt med länsstyrelsens; det blir dubbelarbete.",
            "Samverkan ska bygga på frivillighet och respekt för det kommunala självstyret. Det kommunala "
            "planmonopolet får inte urholkas genom regionala planer.",
        ),
    ),
    PlatformAnswer(
        "0163",
        "support",
        "KS/2016:102",
        KS,
        (
            "Sollentuna kommun tillstyrker förslaget. Kommunen ser en fördel i att utvecklingsfrågorna får en "
            "direktvald huvudman som kan hålla ihop planering, trafik och kompetensförsörjning.",
            "Vi förväntar oss att regionen arbetar för en bättre matchning på arbetsmarknaden, med yrkesvux och "
            "praktik i samarbete med näringslivet. Trafiken på E4 och pendeltåget genom kommunen behöver "
            "kapacitet för fler resenärer.",
            "Organisationen bör ha ett politiskt samrådsorgan med alla kommuner och ett mindre arbetsutskott. "
            "Tjänstemannaberedningen kan ske genom KSL:s befintliga nätverk.",
            "Samverkan ska vara långsiktig och bygga på gemensamma mål i den regionala utvecklingsplanen. "
            "Kommunerna bör få återkoppling på hur deras synpunkter har påverkat besluten.",
        ),
    ),
    PlatformAnswer(
        "0180",
        "support_with_changes",
        "KS 2016/112",
        "Kommunstyrelsen",
        (
            "Stockholms stad tillstyrker förslaget med ändringar. Staden stödjer att landstinget får ansvaret, men "
            "vill se en modell för inflytande som tar hänsyn till att staden har en tredjedel av länets invånare.",
            "Staden förväntar sig att regionen prioriterar bostadsförsörjningen och kapaciteten i kollektivtrafiken, "
            "där tunnelbanans utbyggnad och pendeltåget är avgörande. Vi förväntar oss också en gemensam "
            "strategi för kompetensförsörjning och högre utbildning.",
            "Organisationen bör ha en tydlig ansvarsfördelning och en rimlig avvägning mellan en röst per kommun och "
            "befolkningens storlek. Staden föreslår en beredning där de största kommunerna har en fast plats.",
            "Samverkan ska bygga på öppenhet och gemensam kunskap, med ett gemensamt analysarbete där kommunernas "
            "och landstingets underlag delas.",
        ),
    ),
    PlatformAnswer(
        "0181",
        "support_with_changes",
        "KS 16/0301",
        KS,
        (
            "Södertälje kommun ställer sig bakom förslaget men med ändringar. Regionen måste se hela länet, inte bara "
            "de centrala delarna, och kopplingarna till Mälardalen behöver lyftas.",
            "Vi förväntar oss insatser för pendeltåg och regionaltåg mot Stockholm och Mälardalen, och att "
            "Södertälje sjukhus finns kvar med akutsjukvård. Kompetensförsörjningen för industrin, med "
            "yrkesutbildning på gymnasie- och vuxennivå, behöver regionalt stöd.",
            "Kommunerna ska vara med i beredningen, inte bara i ett rådgivande organ. Vi förordar ett politiskt "
            "organ med en plats per kommun och en delregional beredning för Södertörn.",
            "Samverkan måste präglas av jämbördighet och respekt. De mindre och de yttre kommunernas perspektiv "
            "behöver vägas in, och den regionala utvecklingsplanen ska tas fram tillsammans med kommunerna.",
        ),
    ),
    PlatformAnswer(
        "0182",
        "support",
        "KFKS 2016/55",
        KS,
        (
            "Nacka kommun tillstyrker att landstinget tar över det regionala utvecklingsansvaret. En sammanhållen "
            "region gör det lättare att nå målen i den regionala utvecklingsplanen.",
            "Kommunen förväntar sig att tunnelbanan till Nacka byggs enligt överenskommelsen och att regionen tar ett "
            "samlat ansvar för att bostäder och trafik planeras tillsammans. Näringslivets behov av kompetens bör "
            "vara en prioriterad fråga.",
            "Organisationen ska vara slimmad, med ett politiskt samråd och en liten tjänstemannaorganisation. Det är "
            "viktigt att ansvarsfördelningen mot länsstyrelsen blir tydlig.",
            "Samverkan bör ske genom regelbundna möten mellan landstinget och kommunernas ledningar, och genom "
            "gemensamma projekt där kommunen och regionen delar ansvaret.",
        ),
    ),
    PlatformAnswer(
        "0184",
        "support",
        "KS/2016:0133",
        KS,
        (
            "Solna stad ställer sig bakom förslaget att landstinget tar över det regionala utvecklingsansvaret. "
            "Det skapar en tydligare huvudman för regional utveckling.",
            "Staden förväntar sig att regionen stärker samspelet mellan Karolinska, forskning och näringsliv, och "
            "att hälso- och sjukvården samordnas bättre med kommunernas omsorg. Trafiken till Arenastaden och "
            "Hagastaden behöver fler spårförbindelser.",
            "Vi förordar en organisation där kommunerna har en egen plats i ett politiskt samråd och där "
            "ärendena bereds i samarbete med KSL.",
            "Samverkan ska vara kontinuerlig och förutsägbar, med en gemensam agenda och tydlig återkoppling till "
            "kommunerna.",
        ),
    ),
    PlatformAnswer(
        "0186",
        "no_comment",
        "KS/2016:19",
        KS,
        (
            "Lidingö stad har inga synpunkter på förslaget. Staden konstaterar att frågan om vem som ska ha det "
            "regionala utvecklingsansvaret i första hand är en fråga för landstinget och staten, och lämnar därför "
            "inga synpunkter på själva överflyttningen. Staden vill dock bli hållen informerad om hur arbetet "
            "fortskrider och delta i den fortsatta dialogen på samma sätt som övriga kommuner i länet, särskilt när "
            "det gäller Lidingöbanan och trafiken över Lilla Värtan. Staden kan återkomma med synpunkter när "
            "landstingets ansökan och den nya organisationen har tagit form.",
            "",
            "",
            "",
        ),
    ),
    PlatformAnswer(
        "0188",
        "support_with_changes",
        "KS 2016/145",
        KS,
        (
            "Norrtälje kommun tillstyrker förslaget med ändringar. Landsbygden och skärgården måste få en tydlig "
            "plats i det regionala utvecklingsarbetet, och kommunen saknar en analys av de yttre delarna av länet.",
            "Kommunen förväntar sig en regional utvecklingsplan för hela länet: vägar och busstrafik till Norrtälje, "
            "bredband på landsbygden, och att Norrtälje sjukhus utvecklas. Vi förväntar oss också stöd till "
            "kompetensförsörjningen i vård och omsorg, där det redan i dag är svårt att rekrytera.",
            "Organisationen bör ge de mindre och glest befolkade kommunerna en lika stark röst som de stora. En "
            "beredning för landsbygdsfrågor vore värdefull.",
            "Samverkan ska ske med respekt för att förutsättningarna skiljer sig mellan kommunerna. Vi vill vara med "
            "tidigt och få återkoppling på våra synpunkter.",
        ),
    ),
    PlatformAnswer(
        "0192",
        "support",
        "KS 2016/0066",
        KS,
        (
            "Nynäshamns kommun tillstyrker förslaget. Kommunen ser positivt på att en direktvald församling får "
            "ansvaret för de regionala utvecklingsfrågorna.",
            "Vi förväntar oss att regionen ser hamnen i Norvik som en regional tillgång och att väg 73 och "
            "pendeltåget till Nynäshamn byggs ut. Vårdcentralerna och närakuten i kommunen ska finnas kvar.",
            "Organisationen bör ha ett politiskt samråd med alla kommuner och delregionala grupper. Nynäshamn vill "
            "ingå i Södertörnsgruppen.",
            "Samverkan ska vara öppen och jämlik, så att även en mindre kommun som Nynäshamn kan påverka. Kommunerna "
            "ska få vara med när prioriteringarna i länsplanen görs.",
        ),
    ),
]


@dataclass(frozen=True)
class PaperAnswer:
    """A letter a municipality sent on paper, registered by the coordinator (no stance set: the text says it)."""

    code: str
    their_reference: str
    decided_by: str
    filename: str
    pages: tuple[str, ...]


PAPER_ANSWERS = [
    PaperAnswer(
        "0139",
        "KS 15/0402",
        KS,
        "yttrande-upplands-bro.pdf",
        (
            "Upplands-Bro kommun\nKommunstyrelsen\n\nProtokollsutdrag, sammanträde 2016-02-24, § 31\n"
            "Dnr KS 15/0402\n\n"
            "Yttrande över kommunremiss om regionalt utvecklingsansvar i Stockholms län\n\n"
            "Beslut\n"
            "Kommunstyrelsen beslutar att tillstyrka förslaget att landstinget tar över det regionala "
            "utvecklingsansvaret och att överlämna förvaltningens tjänsteskrivelse som kommunens yttrande.\n\n"
            "Yttrande\n"
            "Upplands-Bro ser positivt på att planering, kollektivtrafik och kompetensförsörjning samlas hos en "
            "huvudman. Kommunen förväntar sig att pendeltågstrafiken till Kungsängen och Bro förbättras och att "
            "E18 byggs ut, så att de nya bostadsområdena får en hållbar trafikförsörjning. Kommunen förväntar sig "
            "också att regionen stödjer yrkesutbildning och validering för dem som står långt från "
            "arbetsmarknaden.\n\n"
            "Organisationen bör bygga på ett politiskt samråd där varje kommun har en plats och på det "
            "delregionala samarbetet i Stockholm Nordväst. Samverkan ska ske tidigt i processen, så att kommunernas "
            "planer kan påverka den regionala utvecklingsplanen.\n\n"
            "Vid protokollet\nLinnea Hagberg, sekreterare",
        ),
    ),
    PaperAnswer(
        "0162",
        "KS 2016/0012",
        KS,
        "yttrande-danderyd.pdf",
        (
            "Danderyds kommun\nKommunstyrelsen\n\nProtokollsutdrag, sammanträde 2016-02-29, § 18\n"
            "Dnr KS 2016/0012\n\n"
            "Remiss: Landstinget som regionalt utvecklingsansvarig\n\n"
            "Kommunstyrelsens beslut\n"
            "Kommunstyrelsen avstyrker förslaget att landstinget tar över det regionala utvecklingsansvaret.\n\n"
            "Skäl för beslutet\n"
            "Kommunen anser att det regionala utvecklingsansvaret sköts väl av länsstyrelsen och att en "
            "överflyttning ger en ny politisk nivå utan tydlig nytta. Förslaget saknar en analys av kostnaderna, "
            "och risken är stor att de på sikt bärs av skattebetalarna genom högre landstingsskatt.\n\n"
            "Kommunen befarar också att regionala planer kommer att inskränka det kommunala planmonopolet och att "
            "de mindre kommunerna får svårt att göra sin röst hörd i en organisation som domineras av de största. "
            "Frågan bör i stället prövas när Indelningskommittén har redovisat sitt arbete om en ny regional "
            "indelning.\n\n"
            "Reservation\nLedamöterna för Socialdemokraterna reserverar sig mot beslutet.\n\n"
            "Vid protokollet\nOskar Wallin, sekreterare",
        ),
    ),
    PaperAnswer(
        "0187",
        "KS 2016/15.106",
        KS,
        "yttrande-vaxholm.pdf",
        (
            "Vaxholms stad\nKommunstyrelsen\n\nYttrande, 2016-03-02\nDnr KS 2016/15.106\n\n"
            "Svar på kommunremiss om regionalt utvecklingsansvar\n\n"
            "Vaxholms stad är i huvudsak positiv till att landstinget tar över det regionala "
            "utvecklingsansvaret, men anser att förslaget behöver ändras på två punkter innan en ansökan lämnas.\n\n"
            "För det första måste skärgårdens frågor få en egen plats i organisationen. Båttrafiken, vägarna och "
            "tillgången till vård för boende på öarna är avgörande för att staden ska kunna växa. För det andra "
            "måste de mindre kommunernas inflytande säkras: en plats per kommun i det politiska samrådet, och en "
            "beredning där inte bara folkmängden avgör.\n\n"
            "Staden förväntar sig vidare att samverkan sker genom KSL och i nätverk på tjänstemannanivå, och att "
            "kommunerna får återkoppling på hur deras synpunkter har tagits om hand.\n\n"
            "Kommunstyrelsen beslutar att tillstyrka förslaget med de ändringar som framgår ovan.\n\n"
            "Malin Ek, kommunstyrelsens ordförande",
        ),
    ),
]

# (municipality code, reason)
DECLINES = [
    (
        "0140",
        "Kommunen avstår från att yttra sig och hänvisar till Södertörnskommunernas gemensamma synpunkter.",
    ),
    (
        "0191",
        "Kommunfullmäktige hinner inte behandla ärendet under remisstiden; kommunen deltar i den fortsatta dialogen.",
    ),
]

UNSOLICITED_NAME = "Skärgårdsföreningarnas samverkansråd"
UNSOLICITED_PAGES = (
    "Skärgårdsföreningarnas samverkansråd\n\nTill Stockholms läns landsting och KSL\n\n"
    "Synpunkter på remissen om regionalt utvecklingsansvar\n\n"
    "Vi är inte remissinstans men vill ändå lämna synpunkter, eftersom förslaget berör de fast boende i "
    "skärgården. Samverkansrådet ställer sig bakom att landstinget tar över det regionala "
    "utvecklingsansvaret.\n\n"
    "Vi förväntar oss att skärgårdstrafiken, bredbandet och tillgången till vård på öarna blir en del av den "
    "regionala utvecklingsplanen, och att skärgårdens föreningar får vara med i dialogen, inte bara "
    "kommunerna. Många av skärgårdens frågor går över kommungränserna och behöver lösas regionalt.\n\n"
    "Med vänlig hälsning\nStyrelsen",
)


def _answering_for(organisation: Organisation) -> User:
    """Who acts for the municipality: its demo respondent if the demo has one there, else its registry (most
    municipalities are known only by their registry address, and the registry may answer for them)."""
    respondent = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.RESPONDENT, user__is_active=True)
        .order_by("pk")
        .first()
    )
    if respondent is not None:
        return respondent.user
    user = registry_access_ensure(organisation)
    if user is None:
        raise RuntimeError(f"{organisation} has no registry address for the demo to answer through")
    return user


def _pdf(pages: tuple[str, ...]) -> io.BytesIO:
    return io.BytesIO(make_pdf(*pages, wrap=PDF_LINE_WIDTH))


def _answer(
    consultation: Consultation,
    questions: list[Question],
    entry: PlatformAnswer,
    municipalities: dict[str, Organisation],
) -> None:
    organisation = municipalities[entry.code]
    user = _answering_for(organisation)
    response = response_get_or_create_draft(actor=user, consultation=consultation, organisation=organisation)
    for question, text in zip(questions, entry.texts, strict=True):
        stance = entry.stance if question.kind == Question.Kind.STANCE else ""
        if text or stance:
            answer_save(actor=user, response=response, question=question, stance=stance, text=text, base_version=0)
    response.refresh_from_db()
    response_update_details(
        actor=user,
        response=response,
        their_reference=entry.their_reference,
        decided_by=entry.decided_by,
        base_version=response.version,
    )
    if entry.cosigner:
        cosigning = municipalities[entry.cosigner]
        signatory = signatory_invite(actor=user, response=response, organisation=cosigning)
        signatory_confirm(actor=_answering_for(cosigning), signatory=signatory)
    response_submit(actor=user, response=response)


def consultation_closed_demo_load(*, coordinator: User) -> Consultation:
    """Create, fill and close the demo's closed consultation (once); `coordinator` coordinates at KSL."""
    existing = Consultation.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    municipalities = {
        o.municipality_code: o
        for o in Organisation.objects.filter(kind_filter(Organisation.Kind.MUNICIPALITY), county__code="01")
        if o.municipality_code
    }
    senders = [
        SenderDetails(
            organisation=Organisation.objects.get(name="Region Stockholm"),
            case_number="LS 1512-1476",
            contact_name="Anders Berg",
            contact_email="anders.berg@sll.example",
            signatory_name="Per Ström",
            signatory_title="Landstingsdirektör",
        ),
        SenderDetails(
            organisation=Organisation.objects.get(name="Kommunförbundet Stockholms Län"),
            case_number="KSL/15/0188",
            contact_name="Karin Lindqvist",
            contact_email="karin.lindqvist@ksl.example",
            signatory_name="Eva Holm",
            signatory_title="Förbundsdirektör",
        ),
    ]
    consultation = consultation_create(
        actor=coordinator,
        title=TITLE,
        summary=SUMMARY,
        body=BODY,
        deadline=end_of_day(local_date(timezone.now())),
        senders=senders,
        reminder_days=[],
        letter=LETTER,
    )
    for kind, text, section in QUESTIONS:
        question_add(actor=coordinator, consultation=consultation, text=text, kind=kind, section=section)
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Remissunderlag",
        stream=io.BytesIO(make_pdf(*DOCUMENT_PAGES)),
        filename="remissunderlag-regionalt-utvecklingsansvar.pdf",
    )
    referral_add(actor=coordinator, consultation=consultation, organisations=list(municipalities.values()))
    consultation_open(actor=coordinator, consultation=consultation)

    questions = list(consultation.questions.order_by("order"))
    for entry in PLATFORM_ANSWERS:
        _answer(consultation, questions, entry, municipalities)
    for paper in PAPER_ANSWERS:
        response_register_on_behalf(
            actor=coordinator,
            consultation=consultation,
            organisation=municipalities[paper.code],
            received_at=timezone.now(),
            stream=_pdf(paper.pages),
            filename=paper.filename,
            their_reference=paper.their_reference,
            decided_by=paper.decided_by,
            channel=Response.Channel.PAPER,
        )
    for code, reason in DECLINES:
        organisation = municipalities[code]
        response_decline(
            actor=_answering_for(organisation),
            referral=Referral.objects.get(consultation=consultation, organisation=organisation),
            reason=reason,
        )
    response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name=UNSOLICITED_NAME,
        received_at=timezone.now(),
        stream=_pdf(UNSOLICITED_PAGES),
        filename="synpunkter-skargardsforeningarna.pdf",
        channel=Response.Channel.EMAIL,
    )
    consultation_close(
        actor=coordinator,
        consultation=consultation,
        note="Alla kommuner utom Salem och Sundbyberg har svarat eller avstått. Remissen stängs.",
    )
    return consultation
