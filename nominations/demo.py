"""The demo cohort's call for nominations and the nominations fictional libraries sent to it.

The call's words follow the real 2024 MetLib call for nominations closely; only its contact
is the demo's fictional facilitator. Every nomination, nominator and candidate is invented.

Like :mod:`cohorts.demo`, everything is keyed on a natural key and written with
``update_or_create``: a nomination's ``creation_token`` is a UUID derived from a fixed name, so
loading the demo twice leaves exactly the rows that loading it once did.

The demo writes rows directly instead of going through
:func:`nominations.submission.submit_nomination`: that service refuses anything after the
deadline (the 2024 deadline has long passed), stamps ``submitted_at`` with "now", and queues a
receipt and a confirmation request by email for every nomination. The demo needs dates from
the 2024 call, candidates who have already confirmed, and no mail to invented addresses.
"""

import datetime as dt
import enum
import uuid
import zoneinfo
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from cohorts.demo import COHORT_ZONE, FACILITATOR_EMAIL, PEOPLE, THEMES, load_account
from cohorts.models import Cohort, Library
from metlib.models import User

from .models import Call, Nomination, ProjectKind, TravelSupport

Status = Nomination.Status

FACILITATOR_NAME = next(
    person.display_name for person in PEOPLE if person.email == FACILITATOR_EMAIL
)

# The namespace every demo nomination's creation token is derived in. Never change it, nor a
# row's key below: either would make the next load create new nominations beside the old.
TOKEN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "nominations.demo.metlib.example")

(
    CULTURE,
    SAFETY,
    MOBILITY,
    EQUITY,
    CRISIS,
    PLANNING,
    PUBLIC_PRIVATE,
    IMPACT,
    COMMUNITY,
    CIVIC,
) = THEMES

CALL_INTRODUCTION = """\
MetLib Learning Circle is a 12-month talent development program initiated by the IFLA \
Metropolitan Libraries Section. The learning circle is designed for 15–20 library leaders from \
libraries serving urban areas with populations of more than 400,000. Taking part enables \
participants to build international networks, access cutting-edge library innovations \
worldwide, understand urban planning dynamics, and receive mentorship from experienced and \
innovative library leaders.

The 2024 cohort is the second learning circle. The first cohort, in 2023, brought together \
18 participants from 17 cities. In a feedback survey, every respondent recommended the learning \
circle to their colleagues; participants especially valued the new insights gained through \
research, the connections with colleagues around the world, and the in-person meeting.

The 2024 edition focuses on the role of libraries in urban transformation and civic engagement. \
Cities are places where the density of people and ideas fosters innovation, well-being and \
diversity. At the same time, urban areas often show stark contrasts between wealth and poverty. \
The program explores strategies by which libraries can enable social mixing, sustainable \
growth, learning and innovation."""

CALL_ELIGIBILITY = """\
Library directors are encouraged to nominate a motivated member of their executive team, \
a librarian or a leader. The candidate must be in charge of an urban transformation project \
(e.g., branch development, new main library, new major branch, strategic development, \
partnerships) at a library serving an urban area of more than 400,000 people."""

CALL_REQUIREMENTS = """\
Participation is free of charge. It requires that participants can use working hours for the \
learning circle, are committed to active participation throughout the year, and can engage in \
professional exchange in English."""

CALL_PROGRAMME = f"""\
The program runs from April 2024 to March 2025 and consists of:

– monthly thematic online discussions of two hours, facilitated by {FACILITATOR_NAME}, focused \
on peer learning and sharing; because the group is global, the sessions may occur outside \
normal office hours;
– preparatory reading and other assignments of up to 2–3 hours a month;
– participation in the MetLib Conference from 6 to 10 October 2024 in Barcelona, Spain;
– 3–4 group mentoring sessions with an experienced city librarian or CEO.

Participants receive a certificate for their participation.

The monthly meetings are held on a Tuesday at 9:00 New York time, on the dates in the \
timeline below; the time may be adjusted to suit the group. The timeline is an initial one and \
may still change."""

CALL_CONFERENCE = """\
The MetLib Conference takes place from 6 to 10 October 2024 in Barcelona, Spain. The learning \
circle holds a one-day workshop for its members and organises a workshop for all conference \
participants, where participants can showcase their work to international library leaders."""

CALL_STIPENDS = """\
Nominating institutions are encouraged to seek ways to ensure that their participants can \
attend the MetLib Conference. The organizing committee will seek ways to provide 1–3 travel \
stipends for participants from the Global South. Libraries can state in their nomination that \
their candidate's participation is conditional on financial support."""

CALL_SELECTION = """\
Libraries nominate a candidate by 15 February 2024 with the online form. The form asks the \
library to describe the candidate's motivation, the project they will bring to the circle, and \
whether the library can support the travel and accommodation costs of the conference in Spain.

The advisory and development group of the learning circle selects the participants and informs \
all applicants by 19 February 2024. The selection places emphasis on geographic diversity and \
the range of projects."""

# The call's initial timeline, one line per date or month.
CALL_TIMELINE = (
    "9 April 2024: monthly meeting",
    "14 May 2024: monthly meeting",
    "May 2024: leadership group mentoring",
    "11 June 2024: monthly meeting",
    "9 July 2024: monthly meeting",
    "August 2024: summer break",
    "10 September 2024: monthly meeting",
    "September 2024: leadership group mentoring",
    "6–10 October 2024: MetLib Conference, Barcelona",
    "12 November 2024: monthly meeting",
    "10 December 2024: monthly meeting",
    "14 January 2025: monthly meeting",
    "11 February 2025: monthly meeting",
    "February 2025: leadership group mentoring",
    "4 March 2025: monthly meeting",
    "March 2025: evaluation",
)


class DemoNominator(NamedTuple):
    name: str
    role: str
    time_zone: str
    language: str = "en"


# Who nominates for each demo library: one invented person per library, with an account.
NOMINATORS = {
    "Jacaranda Commons Library": DemoNominator(
        "Wanjiru Kamau-Ndegwa", "Library director", "Africa/Nairobi"
    ),
    "Lagoon Gate Public Library": DemoNominator(
        "Olúwaseun Adébáyọ̀", "Director of libraries", "Africa/Lagos"
    ),
    "Harmattan Reading House": DemoNominator("Kwabena Ɔwusu-Boateng", "Director", "Africa/Accra"),
    "Highveld Central Library": DemoNominator(
        "Lerato Mokoena-Pillay", "City librarian", "Africa/Johannesburg"
    ),
    "Two Oceans Library Commons": DemoNominator(
        "Pieter-Jan Brümmer", "Director of library services", "Africa/Johannesburg"
    ),
    "Thousand Hills Learning Library": DemoNominator(
        "Clémentine Mukamana", "Library director", "Africa/Kigali", "fr"
    ),
    "Entoto Heights Library": DemoNominator(
        "Yohannes Gebre-Mariam", "Chief librarian", "Africa/Addis_Ababa"
    ),
    "Pasig Riverside Library": DemoNominator(
        "Rosalinda Macaraeg-Peñaflor", "City librarian", "Asia/Manila"
    ),
    "Ciliwung Community Library": DemoNominator(
        "Bambang Hartono Wibisono", "Head of the library", "Asia/Jakarta"
    ),
    "Buriganga Reading Rooms": DemoNominator(
        "Shahnaz Parvin Rahman", "Director general", "Asia/Dhaka"
    ),
    "Rock Garden Knowledge Centre": DemoNominator(
        "Amrit Pal Grewal", "Library director", "Asia/Kolkata"
    ),
    "Garden City Learning Library": DemoNominator(
        "Śrīnivās Hegde", "Chief librarian", "Asia/Kolkata"
    ),
    "Han River Reading Hall": DemoNominator("Park Min-jun", "Director", "Asia/Seoul"),
    "Marina Civic Library": DemoNominator(
        "Tan Wei Ling", "Chief executive, libraries", "Asia/Singapore"
    ),
    "Twin Rivers Library": DemoNominator(
        "Zulkifli bin Hamzah", "Library director", "Asia/Kuala_Lumpur"
    ),
    "Lotus Quarter Library": DemoNominator("Võ Văn Đức", "Library director", "Asia/Ho_Chi_Minh"),
    "Biblioteca Mar i Muntanya": DemoNominator(
        "Jordi Ribé i Solà", "Director de biblioteques", "Europe/Madrid", "es"
    ),
    "Baltic Light Library": DemoNominator(
        "Päivi Hämäläinen", "Library director", "Europe/Helsinki"
    ),
    "Biblioteka Nad Wisłą": DemoNominator(
        "Grzegorz Szczęsny", "Dyrektor biblioteki", "Europe/Warsaw"
    ),
    "Søhavn Bibliotek": DemoNominator(
        "Bjørn Østbø Larsen", "Library director", "Europe/Copenhagen"
    ),
    "Maaskade Library": DemoNominator("Maarten de Wijs", "Director", "Europe/Amsterdam"),
    "Biblioteca Sete Colinas": DemoNominator(
        "Inês Gaspar Simões", "Head of the library network", "Europe/Lisbon"
    ),
    "Lykavittos Public Library": DemoNominator(
        "Νίκος Παπανικολάου", "Library director", "Europe/Athens"
    ),
    "Biblioteka Dve Reke": DemoNominator("Дејан Јовановић", "Director", "Europe/Belgrade"),
    "Donaukanal Stadtbibliothek": DemoNominator(
        "Ursula Größwang", "Direktorin", "Europe/Vienna", "de"
    ),
    "Emajõe Raamatukogu": DemoNominator("Tõnu Käärik", "Library director", "Europe/Tallinn"),
    "Five Boroughs Learning Library": DemoNominator(
        "Deborah Ng-Castellanos", "Chief librarian", "America/New_York"
    ),
    "Prairie Light Library": DemoNominator(
        "Marcus Wójcik-Hayes", "Commissioner of libraries", "America/Chicago"
    ),
    "Lakeshore Commons Library": DemoNominator(
        "Priya Raghunathan-Boyd", "City librarian", "America/Toronto"
    ),
    "Bibliothèque du Fleuve": DemoNominator(
        "François Lévesque", "Directeur des bibliothèques", "America/Toronto", "fr"
    ),
    "Biblioteca Ciudad Lago": DemoNominator(
        "Guadalupe Téllez Ibáñez", "Directora general", "America/Mexico_City", "es"
    ),
    "Biblioteca Garoa": DemoNominator(
        "Sebastião Brandão Lima", "Diretor de bibliotecas", "America/Sao_Paulo"
    ),
    "Biblioteca Cerros Orientales": DemoNominator(
        "Catalina Restrepo Ángel", "Directora", "America/Bogota", "es"
    ),
    "Biblioteca Eterna Primavera": DemoNominator(
        "Julián Echeverri Ospina", "Director de bibliotecas", "America/Bogota", "es"
    ),
    "Biblioteca Malecón del Pacífico": DemoNominator(
        "Milagros Chávez Ccori", "Directora", "America/Lima", "es"
    ),
    "Biblioteca Río de la Plata": DemoNominator(
        "Martín Iñíguez Sáenz", "Director", "America/Argentina/Buenos_Aires", "es"
    ),
    "Biblioteca Cordillera Viva": DemoNominator(
        "Soledad Peñailillo Rojas", "Directora", "America/Santiago", "es"
    ),
    "Yarra Bend Library": DemoNominator(
        "Georgia Papadakis-Reid", "Library services manager", "Australia/Melbourne"
    ),
    "Riverside Central Library": DemoNominator(
        "Liam Ó Murchú", "Branch manager", "Australia/Brisbane"
    ),
    "Waitematā Harbour Library": DemoNominator(
        "Hēmi Tūhoe-Walker", "Director of libraries", "Pacific/Auckland"
    ),
}


class Stage(enum.Enum):
    """Where a demo nomination stands. Selection (under review, accepted, waitlisted,
    declined) comes in a later part of the demo, :mod:`nominations.demo_selection`, which
    moves the submitted nominations on."""

    INCOMPLETE = "an unfinished draft"
    DRAFT = "a complete draft that was never submitted"
    LATE = "a draft the facilitator let in after the deadline"
    AWAITING = "submitted; the candidate has not confirmed yet"
    CONFIRMED = "submitted and confirmed by the candidate"
    WITHDRAWN = "submitted, confirmed, then withdrawn by the library"


class DemoNomination(NamedTuple):
    key: str  # the stable name the creation token derives from; also the candidate's address
    library: str  # a name from NOMINATORS
    stage: Stage
    day: str  # ISO date: submitted on, or, for a draft, last saved on
    candidate: str
    job_title: str
    kind: ProjectKind
    project_title: str
    project: str  # the project's description; empty in an unfinished draft
    motivation: str
    themes: tuple[str, ...]  # empty in an unfinished draft
    travel: TravelSupport | None  # None: not answered yet
    stipend_reason: str = ""  # given when participation is conditional on a stipend


# About forty invented nominations, at least one for almost every demo library.
NOMINATIONS = (
    # Africa
    DemoNomination(
        "njeri.otieno",
        "Jacaranda Commons Library",
        Stage.CONFIRMED,
        "2024-02-12",
        "Njeri Wambũi Otieno",
        "Head of branch services",
        ProjectKind.NEW_MAJOR_BRANCH,
        "Eastlands Reading Hub",
        "A 3,000 m² branch in Eastlands, co-designed with youth groups and opening in 2025 "
        "beside the new commuter rail station.",
        "Njeri has led the hub's community design from the first workshop; she wants to learn "
        "how other cities keep a new branch open to everyone once the ribbon is cut.",
        (EQUITY, MOBILITY, COMMUNITY),
        TravelSupport.PARTLY,
        "The county budget covers accommodation in Barcelona but not the flight.",
    ),
    DemoNomination(
        "adebisi.olawale",
        "Lagoon Gate Public Library",
        Stage.CONFIRMED,
        "2024-02-06",
        "Adébísí Ọláwálé-Okafor",
        "Deputy director, strategy",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Libraries along the Blue Line",
        "A ten-year plan placing reading rooms and study halls within walking distance of "
        "each station of the city's light-rail line.",
        "Adébísí writes our strategy with the transport authority and needs peers who have "
        "planned libraries around transit.",
        (MOBILITY, PLANNING),
        TravelSupport.NO,
        "International travel is not in this year's budget; without a stipend Adébísí "
        "cannot attend the conference.",
    ),
    DemoNomination(
        "akosua.ofori",
        "Harmattan Reading House",
        Stage.CONFIRMED,
        "2024-01-29",
        "Akosua Ɔfori-Mensah",
        "Partnerships librarian",
        ProjectKind.PARTNERSHIPS,
        "Market Reading Circles",
        "Reading and business-skills circles run with the traders' associations of three "
        "central markets, with book stalls staffed by the library.",
        "Akosua built the partnership with the market associations and wants to measure what "
        "it changes for the traders and their children.",
        (COMMUNITY, EQUITY, IMPACT),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "thandiwe.nkosi",
        "Highveld Central Library",
        Stage.CONFIRMED,
        "2024-02-14",
        "Thandiwe Nkosi-Müller",
        "Project director, central library",
        ProjectKind.NEW_MAIN_LIBRARY,
        "A new central library for the inner city",
        "A new central library in a restored office block, planned with the inner-city "
        "precinct's property owners and safety partners.",
        "Thandiwe leads the design brief and the negotiations with private partners; the "
        "circle's themes are her daily work.",
        (PLANNING, SAFETY, PUBLIC_PRIVATE),
        TravelSupport.YES,
    ),
    DemoNomination(
        "zoe.vandermerwe",
        "Two Oceans Library Commons",
        Stage.AWAITING,
        "2024-02-15",
        "Zoë van der Merwe-Dlamini",
        "Manager, climate resilience",
        ProjectKind.OTHER,
        "Water-wise libraries",
        "Every branch a water point and an information centre during drought, with rain "
        "harvesting and a shared emergency plan.",
        "Zoë turned the last drought's lessons into a plan for all branches and wants to "
        "compare it with other cities' crisis work.",
        (CRISIS, CIVIC),
        TravelSupport.YES,
    ),
    DemoNomination(
        "aimee.uwimana",
        "Thousand Hills Learning Library",
        Stage.CONFIRMED,
        "2024-02-01",
        "Aimée Uwimana Habimana",
        "Head of sector libraries",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Libraries for the new neighbourhoods",
        "Small libraries in the community centres of five fast-growing sectors, built with "
        "the city's master plan.",
        "Aimée opened the first two sector libraries and is planning the next three; she "
        "wants to learn how other cities grow a branch network.",
        (PLANNING, COMMUNITY),
        TravelSupport.NO,
        "Our city grant covers staff time only, not travel abroad.",
    ),
    DemoNomination(
        "dawit.alemayehu",
        "Entoto Heights Library",
        Stage.WITHDRAWN,
        "2024-01-22",
        "Dawit Alemayehu Wolde",
        "Head of outreach",
        ProjectKind.PARTNERSHIPS,
        "Reading corners at light-rail stations",
        "Book exchange corners and a mobile library at four light-rail stations, run with "
        "the transport operator.",
        "Dawit started the partnership with the transport operator.",
        (MOBILITY, PUBLIC_PRIVATE),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "selamawit.bekele",
        "Entoto Heights Library",
        Stage.CONFIRMED,
        "2024-02-08",
        "Selamawit Bekele Tesfaye",
        "Deputy chief librarian",
        ProjectKind.PARTNERSHIPS,
        "Reading corners at light-rail stations",
        "Book exchange corners and a mobile library at four light-rail stations, run with "
        "the transport operator; Selamawit took the project over in January.",
        "Selamawit now leads the station project and will bring it to the circle.",
        (MOBILITY, PUBLIC_PRIVATE, COMMUNITY),
        TravelSupport.PARTLY,
    ),
    # Asia
    DemoNomination(
        "lourdes.delapena",
        "Pasig Riverside Library",
        Stage.CONFIRMED,
        "2024-02-09",
        "Ma. Lourdes Dela Peña-Santos",
        "Chief, branch operations",
        ProjectKind.OTHER,
        "Flood-ready branches along the Pasig",
        "Raised shelving, backup power and an evacuation role for six riverside branches.",
        "Lourdes coordinates the branches with the city's disaster office and wants to learn "
        "from libraries that have been through floods.",
        (CRISIS, SAFETY, COMMUNITY),
        TravelSupport.PARTLY,
        "The city can pay for accommodation; a stipend would cover the flight.",
    ),
    DemoNomination(
        "putri.kusumawardhani",
        "Ciliwung Community Library",
        Stage.CONFIRMED,
        "2024-01-18",
        "Putri Ayu Kusumawardhani",
        "Head of community libraries",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Kampung libraries along the Ciliwung",
        "Twelve small libraries in riverside kampungs, run with neighbourhood volunteers.",
        "Putri trains the volunteers and wants to compare volunteer-run models across cities.",
        (EQUITY, COMMUNITY),
        TravelSupport.NO,
    ),
    DemoNomination(
        "nusrat.chowdhury",
        "Buriganga Reading Rooms",
        Stage.AWAITING,
        "2024-02-13",
        "Nusrat Jahan Chowdhury",
        "Project lead, Old Dhaka branch",
        ProjectKind.NEW_MAJOR_BRANCH,
        "A cool-room library in Old Dhaka",
        "A new branch that doubles as a heat and flood shelter, with a health corner run by "
        "a public clinic.",
        "Nusrat leads the branch from site to opening and wants evidence on libraries' "
        "health impact to show the city.",
        (CRISIS, IMPACT),
        TravelSupport.NO,
        "Travel abroad needs outside funding in our budget rules.",
    ),
    DemoNomination(
        "gurleen.brar",
        "Rock Garden Knowledge Centre",
        Stage.CONFIRMED,
        "2024-02-05",
        "Gurleen Kaur Brar",
        "Deputy librarian",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "A library in every sector",
        "A strategy to give each of the city's planned sectors a reading room within its "
        "market and green belt.",
        "Gurleen drafts the strategy with the planning department.",
        (PLANNING, CULTURE),
        TravelSupport.YES,
    ),
    DemoNomination(
        "kavya.ramaswami",
        "Garden City Learning Library",
        Stage.CONFIRMED,
        "2024-02-02",
        "Kāvya Rāmaswāmi",
        "Head of innovation",
        ProjectKind.PARTNERSHIPS,
        "Makerspaces with the tech campuses",
        "Branch makerspaces equipped and staffed with technology companies' volunteers.",
        "Kāvya negotiates the company partnerships and wants to keep them public-spirited.",
        (PUBLIC_PRIVATE, IMPACT, CULTURE),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "seo.jiyeon",
        "Han River Reading Hall",
        Stage.CONFIRMED,
        "2024-01-31",
        "Seo Ji-yeon",
        "Director, new central library project",
        ProjectKind.NEW_MAIN_LIBRARY,
        "A central library on a former bus depot",
        "A new central library and park on a riverside bus depot, connected to two subway "
        "lines and the cycle network.",
        "Ji-yeon leads the project team through design and construction.",
        (PLANNING, MOBILITY, CULTURE),
        TravelSupport.YES,
    ),
    DemoNomination(
        "nur.aisyah",
        "Marina Civic Library",
        Stage.CONFIRMED,
        "2024-01-25",
        "Nur Aisyah binte Rahmat",
        "Senior manager, community partnerships",
        ProjectKind.PARTNERSHIPS,
        "Libraries in the hawker centres",
        "Pop-up libraries and health talks in neighbourhood food centres, run with the "
        "centres' operators and health agencies.",
        "Aisyah designed the pop-ups and wants to measure their effect on older residents.",
        (COMMUNITY, IMPACT),
        TravelSupport.YES,
    ),
    DemoNomination(
        "farah.kamarulzaman",
        "Twin Rivers Library",
        Stage.CONFIRMED,
        "2024-02-07",
        "Farah Izzati binti Kamarulzaman",
        "Head of strategy",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Library strategy 2030",
        "A strategy that makes the libraries the city's places for civic dialogue, "
        "written with residents' panels.",
        "Farah runs the residents' panels and wants to learn civic engagement methods.",
        (CIVIC, EQUITY),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "pham.ngochan",
        "Lotus Quarter Library",
        Stage.CONFIRMED,
        "2024-02-10",
        "Phạm Thị Ngọc Hân",
        "Head of branch development",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Station libraries on Metro Line 1",
        "Small libraries and return points in four stations of the city's first metro line.",
        "Ngọc Hân plans the stations with the metro company and wants to learn from cities "
        "with libraries in transit.",
        (MOBILITY, CULTURE),
        TravelSupport.NO,
        "The library has no budget for international travel this year.",
    ),
    # Europe
    DemoNomination(
        "nuria.puigdomenech",
        "Biblioteca Mar i Muntanya",
        Stage.CONFIRMED,
        "2024-01-24",
        "Núria Puigdomènech i Vall",
        "Head of neighbourhood libraries",
        ProjectKind.PARTNERSHIPS,
        "Reading squares in the superblocks",
        "Outdoor reading rooms in the pedestrianised streets of three superblocks, run with "
        "neighbourhood associations.",
        "Núria leads the project with the urban planning office and will welcome the circle "
        "in Barcelona.",
        (PLANNING, CIVIC, SAFETY),
        TravelSupport.YES,
    ),
    DemoNomination(
        "aino.makela",
        "Baltic Light Library",
        Stage.CONFIRMED,
        "2024-01-16",
        "Aino Mäkelä-Järvinen",
        "Development manager",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Suburban living rooms",
        "Turning five suburban branches into civic living rooms with longer opening hours "
        "and resident-run programming.",
        "Aino leads the change in the suburbs and wants to compare it with cities of other "
        "sizes and traditions.",
        (CIVIC, EQUITY),
        TravelSupport.YES,
    ),
    DemoNomination(
        "malgorzata.zolkiewska",
        "Biblioteka Nad Wisłą",
        Stage.CONFIRMED,
        "2024-02-11",
        "Małgorzata Żółkiewska",
        "Project manager",
        ProjectKind.NEW_MAJOR_BRANCH,
        "A branch in the old vodka factory",
        "A major branch in a converted factory hall in Praga, with a stage and studios for "
        "local artists.",
        "Małgorzata manages the conversion and its cultural programme.",
        (CULTURE, PLANNING),
        TravelSupport.YES,
    ),
    DemoNomination(
        "soren.kjaersgaard",
        "Søhavn Bibliotek",
        Stage.CONFIRMED,
        "2024-02-06",
        "Søren Æbeltoft Kjærsgaard",
        "Head of climate projects",
        ProjectKind.OTHER,
        "A cloudburst library park",
        "A library garden that stores rainwater during cloudbursts and teaches climate "
        "adaptation the rest of the year.",
        "Søren works with the city's climate adaptation office.",
        (CRISIS, PLANNING),
        TravelSupport.YES,
    ),
    DemoNomination(
        "fleur.ijsselmuiden",
        "Maaskade Library",
        Stage.CONFIRMED,
        "2024-02-14",
        "Fleur IJsselmuiden-Öztürk",
        "Area manager, South",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Neighbourhood libraries for the South",
        "Three new neighbourhood libraries south of the river, each sharing a building with "
        "a school or a health centre.",
        "Fleur leads the southern branches and wants stronger evidence of their impact.",
        (EQUITY, COMMUNITY, IMPACT),
        TravelSupport.YES,
    ),
    DemoNomination(
        "joao.goncalves",
        "Biblioteca Sete Colinas",
        Stage.CONFIRMED,
        "2024-01-30",
        "João Conceição Gonçalves",
        "Head of partnerships",
        ProjectKind.PARTNERSHIPS,
        "Libraries with the parish councils",
        "Joint programming and shared spaces with the city's parish councils.",
        "João negotiated the first agreements with the parishes.",
        (CIVIC, COMMUNITY),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "dimitris.alexiou",
        "Lykavittos Public Library",
        Stage.CONFIRMED,
        "2024-02-08",
        "Δημήτρης Αλεξίου",
        "Deputy director",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Cool libraries for hot summers",
        "A plan making every branch a cooling refuge in heatwaves, with longer hours and "
        "health checks for older visitors.",
        "Dimitris wrote the plan with the city's resilience office.",
        (CRISIS, IMPACT),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "jovana.petrovic",
        "Biblioteka Dve Reke",
        Stage.CONFIRMED,
        "2024-02-04",
        "Јована Петровић",
        "Head of development",
        ProjectKind.NEW_MAJOR_BRANCH,
        "A library for the new riverside quarter",
        "A library in the ground floor of a new residential quarter, negotiated with the "
        "developer as a public amenity.",
        "Jovana leads the negotiations with the developer.",
        (PLANNING, PUBLIC_PRIVATE),
        TravelSupport.NO,
        "The city has frozen travel abroad for 2024.",
    ),
    DemoNomination(
        "omer.gulsen",
        "Donaukanal Stadtbibliothek",
        Stage.CONFIRMED,
        "2024-01-26",
        "Ömer Gülşen-Hofbauer",
        "Head of branch planning",
        ProjectKind.PARTNERSHIPS,
        "Libraries in social housing",
        "Branches on the ground floors of new municipal housing, run with the housing "
        "company and tenants' councils.",
        "Ömer plans the branches with the housing company.",
        (EQUITY, PLANNING, PUBLIC_PRIVATE),
        TravelSupport.YES,
    ),
    # The one nomination at a library below the call's population minimum: a draft that
    # could never be submitted.
    DemoNomination(
        "kart.ounapuu",
        "Emajõe Raamatukogu",
        Stage.DRAFT,
        "2024-02-03",
        "Kärt Õunapuu-Läänemets",
        "Head of branches",
        ProjectKind.BRANCH_DEVELOPMENT,
        "A branch in Supilinn",
        "A small branch in a wooden-house district, run with the neighbourhood society.",
        "Kärt would bring a small city's view to the circle.",
        (COMMUNITY, CULTURE),
        TravelSupport.YES,
    ),
    # North America
    DemoNomination(
        "marisol.pena",
        "Five Boroughs Learning Library",
        Stage.CONFIRMED,
        "2024-02-15",
        "Marisol Peña-Ocasio",
        "Vice president, neighbourhood libraries",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Open late, open to all",
        "Evening and weekend hours in twenty branches, planned with community safety "
        "organisations.",
        "Marisol leads the extended-hours plan and wants to share it.",
        (SAFETY, EQUITY, CIVIC),
        TravelSupport.YES,
    ),
    DemoNomination(
        "renee.wisniewski",
        "Prairie Light Library",
        Stage.CONFIRMED,
        "2024-02-12",
        "Renée Wiśniewski-Okafor",
        "Director of capital projects",
        ProjectKind.NEW_MAJOR_BRANCH,
        "Library and housing under one roof",
        "A major branch co-located with affordable housing, built with a public-private "
        "partnership.",
        "Renée manages the partnership and its design.",
        (PLANNING, PUBLIC_PRIVATE, EQUITY),
        TravelSupport.YES,
    ),
    DemoNomination(
        "siobhan.nibhriain",
        "Lakeshore Commons Library",
        Stage.CONFIRMED,
        "2024-01-23",
        "Siobhán Ní Bhriain-Chen",
        "Manager, newcomer services",
        ProjectKind.PARTNERSHIPS,
        "Newcomer services with settlement agencies",
        "Settlement workers in twelve branches, with language cafés and job clinics.",
        "Siobhán built the network of agencies and wants to learn from other arrival cities.",
        (EQUITY, COMMUNITY),
        TravelSupport.YES,
    ),
    DemoNomination(
        "eloise.belanger",
        "Bibliothèque du Fleuve",
        Stage.AWAITING,
        "2024-02-15",
        "Éloïse Bélanger-Côté",
        "Cheffe de projet, bibliothèque centrale",
        ProjectKind.NEW_MAIN_LIBRARY,
        "A renewed central library",
        "Renewing the central library as a cultural hub with a performance hall and a youth floor.",
        "Éloïse leads the renewal and its consultation with citizens.",
        (CULTURE, PLANNING),
        TravelSupport.YES,
    ),
    DemoNomination(
        "ximena.avila",
        "Biblioteca Ciudad Lago",
        Stage.CONFIRMED,
        "2024-02-09",
        "Ximena Citlali Ávila Núñez",
        "Coordinadora de bibliotecas",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Libraries at the cable-car stations",
        "Reading points in the stations of the cable-car lines that link hillside "
        "neighbourhoods with the metro.",
        "Ximena coordinates the station libraries with the transport agency.",
        (MOBILITY, EQUITY, CULTURE),
        TravelSupport.PARTLY,
        "The city can cover the flight but not the accommodation.",
    ),
    # South America
    DemoNomination(
        "conceicao.araujo",
        "Biblioteca Garoa",
        Stage.CONFIRMED,
        "2024-01-19",
        "Conceição Araújo Guimarães",
        "Head of school partnerships",
        ProjectKind.PARTNERSHIPS,
        "Libraries with the public schools",
        "Opening school libraries to the neighbourhood after school hours.",
        "Conceição manages the partnership with the schools' department.",
        (COMMUNITY, EQUITY),
        TravelSupport.PARTLY,
    ),
    DemoNomination(
        "angela.gomez",
        "Biblioteca Cerros Orientales",
        Stage.CONFIRMED,
        "2024-02-13",
        "Ángela María Gómez Peñaloza",
        "Gerente de proyecto",
        ProjectKind.NEW_MAJOR_BRANCH,
        "A library at the foot of the eastern hills",
        "A major branch and public square in a hillside district, planned with residents "
        "to make the area safer at night.",
        "Ángela leads the project with the residents' committees.",
        (PLANNING, SAFETY),
        TravelSupport.PARTLY,
        "The library can pay for the flight; a stipend would cover the stay.",
    ),
    DemoNomination(
        "andres.munoz",
        "Biblioteca Eterna Primavera",
        Stage.CONFIRMED,
        "2024-02-05",
        "Andrés Felipe Muñoz Zuluaga",
        "Director de programas",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Library parks, the next generation",
        "Renewing the city's library parks with their neighbourhoods' young people.",
        "Andrés leads the renewal and wants to compare civic engagement methods.",
        (CIVIC, SAFETY, CULTURE),
        TravelSupport.YES,
    ),
    # An unfinished draft: the detail page lists what is still missing.
    DemoNomination(
        "rocio.quispe",
        "Biblioteca Malecón del Pacífico",
        Stage.INCOMPLETE,
        "2024-02-10",
        "Rocío Quispe Huamán",
        "Jefa de bibliotecas zonales",
        ProjectKind.BRANCH_DEVELOPMENT,
        "Libraries for the northern districts",
        "",
        "Rocío opened the first district library in the north.",
        (),
        None,
    ),
    DemoNomination(
        "agustin.nancul",
        "Biblioteca Río de la Plata",
        Stage.CONFIRMED,
        "2024-01-17",
        "Agustín Ñancul Fernández",
        "Coordinador del laboratorio cívico",
        ProjectKind.OTHER,
        "A civic lab in the library",
        "A civic lab where residents prototype answers to neighbourhood problems with city "
        "officials.",
        "Agustín runs the lab and wants to measure its impact.",
        (CIVIC, IMPACT),
        TravelSupport.PARTLY,
    ),
    # Complete, but saved after the deadline: the facilitator let it in late.
    DemoNomination(
        "violeta.aranguiz",
        "Biblioteca Cordillera Viva",
        Stage.LATE,
        "2024-02-16",
        "Violeta Aránguiz Ñanco",
        "Subdirectora",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "A library emergency network",
        "A plan making the branches meeting and information points after earthquakes.",
        "Violeta leads the plan with the city's emergency office.",
        (CRISIS, SAFETY, COMMUNITY),
        TravelSupport.PARTLY,
    ),
    # Oceania
    DemoNomination(
        "mai.lefitzgerald",
        "Yarra Bend Library",
        Stage.CONFIRMED,
        "2024-01-26",
        "Mai Lê-Fitzgerald",
        "Coordinator, health partnerships",
        ProjectKind.PARTNERSHIPS,
        "A library in the hospital precinct",
        "A branch in a new hospital precinct, with health information services run with the "
        "hospital.",
        "Mai leads the partnership with the hospital.",
        (IMPACT, PUBLIC_PRIVATE),
        TravelSupport.YES,
    ),
    DemoNomination(
        "chloe.osullivan",
        "Riverside Central Library",
        Stage.DRAFT,
        "2024-02-14",
        "Chloë O'Sullivan-Tupou",
        "Strategy lead",
        ProjectKind.STRATEGIC_DEVELOPMENT,
        "Libraries for the 2032 Games legacy",
        "A plan for libraries in the new neighbourhoods the Games will leave behind.",
        "Chloë writes the plan with the city's legacy team.",
        (PLANNING, PUBLIC_PRIVATE, CULTURE),
        TravelSupport.YES,
    ),
    DemoNomination(
        "ngaio.tewhaiti",
        "Waitematā Harbour Library",
        Stage.CONFIRMED,
        "2024-02-01",
        "Ngaio Te Whāiti",
        "Kaihautū, Māori services",
        ProjectKind.PARTNERSHIPS,
        "Libraries shared with mana whenua",
        "Co-governing two new libraries with the local iwi, from design to programming.",
        "Ngaio leads the co-governance and wants to share it with cities far away.",
        (CIVIC, COMMUNITY, EQUITY),
        TravelSupport.PARTLY,
    ),
)

# When the facilitator let the late draft in, and why.
LATE_ADMITTED_AT = dt.datetime(2024, 2, 16, 10, 30, tzinfo=COHORT_ZONE)
LATE_ADMISSION_NOTE = (
    "The director was travelling on the deadline day and asked the next morning for a few "
    "hours to finish the nomination."
)


def load_call(*, cohort: Cohort) -> Call:
    """Create or update the cohort's public call with the words of the 2024 call.

    Only the contact differs: it is the demo's fictional facilitator, not the real one.
    """
    call, _ = Call.objects.update_or_create(
        cohort=cohort,
        defaults={
            "introduction": CALL_INTRODUCTION,
            "eligibility": CALL_ELIGIBILITY,
            "requirements": CALL_REQUIREMENTS,
            "programme": CALL_PROGRAMME,
            "conference": CALL_CONFERENCE,
            "stipends": CALL_STIPENDS,
            "selection": CALL_SELECTION,
            "timeline": "\n".join(CALL_TIMELINE),
            "contact_name": FACILITATOR_NAME,
            "contact_email": FACILITATOR_EMAIL,
            "min_city_population": 400_000,
            "nominations_per_library": 1,
            "working_language": "English",
        },
    )
    return call


def creation_token(*, row: DemoNomination) -> uuid.UUID:
    """The fixed creation token of a demo nomination: its natural key."""
    return uuid.uuid5(TOKEN_NAMESPACE, row.key)


def candidate_token(*, token: uuid.UUID) -> str:
    """The token of a demo candidate's confirmation link.

    Derived from the creation token so that reloading keeps the same link, and signed with
    ``SECRET_KEY`` so the link cannot be worked out from this public source alone.
    """
    return salted_hmac(
        "nominations.demo.candidate_token", f"demo:{token}", algorithm="sha256"
    ).hexdigest()


def load_nominator(*, library: Library) -> User:
    """Create or update the account of the person who nominates for ``library``."""
    nominator = NOMINATORS[library.name]
    return load_account(
        email=f"nominator.{slugify(library.city)}@demo.metlib.example",
        display_name=nominator.name,
        time_zone=nominator.time_zone,
        language=nominator.language,
    )


def _at(*, day: str, index: int, zone: str) -> dt.datetime:
    """A moment in office hours on ``day`` in the nominator's zone, varied by ``index``."""
    return dt.datetime.combine(
        dt.date.fromisoformat(day),
        dt.time(9 + index * 5 % 9, index * 13 % 60),
        tzinfo=zoneinfo.ZoneInfo(zone),
    )


def _timestamps(*, row: DemoNomination, index: int) -> dict[str, dt.datetime | None]:
    """When the demo nomination was submitted, confirmed, withdrawn and last saved."""
    saved = _at(day=row.day, index=index, zone=NOMINATORS[row.library].time_zone)
    submitted = saved if row.stage in {Stage.AWAITING, Stage.CONFIRMED, Stage.WITHDRAWN} else None
    confirmed = (
        saved + dt.timedelta(hours=6 + index % 5 * 13)
        if row.stage in {Stage.CONFIRMED, Stage.WITHDRAWN}
        else None
    )
    withdrawn = saved + dt.timedelta(days=8) if row.stage is Stage.WITHDRAWN else None
    late = LATE_ADMITTED_AT if row.stage is Stage.LATE else None
    moments = [moment for moment in (saved, confirmed, withdrawn, late) if moment]
    return {
        "created_at": saved - dt.timedelta(days=3 + index % 6),
        "submitted_at": submitted,
        "candidate_confirmed_at": confirmed,
        "withdrawn_at": withdrawn,
        "late_admitted_at": late,
        "updated_at": max(moments),
    }


STATUS_OF_STAGE = {
    Stage.INCOMPLETE: Status.DRAFT,
    Stage.DRAFT: Status.DRAFT,
    Stage.LATE: Status.DRAFT,
    Stage.AWAITING: Status.SUBMITTED,
    Stage.CONFIRMED: Status.SUBMITTED,
    Stage.WITHDRAWN: Status.WITHDRAWN,
}


def load_nomination(
    *, row: DemoNomination, index: int, cohort: Cohort, library: Library, facilitator: User
) -> Nomination:
    """Create or update one demo nomination, its themes and its dates."""
    nominator = load_nominator(library=library)
    token = creation_token(row=row)
    moments = _timestamps(row=row, index=index)
    complete = row.stage is not Stage.INCOMPLETE
    nomination, _ = Nomination.objects.update_or_create(
        creation_token=token,
        defaults={
            "cohort": cohort,
            "nominator": nominator,
            "status": STATUS_OF_STAGE[row.stage],
            "library": library,
            "nominator_name": nominator.display_name,
            "nominator_role": NOMINATORS[library.name].role,
            "nominator_email": nominator.email,
            "candidate_name": row.candidate,
            "candidate_job_title": row.job_title,
            "candidate_email": f"{row.key}@demo.metlib.example",
            "candidate_bio": f"{row.job_title} at {library.name}, {library.city}.",
            "motivation": row.motivation,
            "project_kind": row.kind,
            "project_title": row.project_title,
            "project_description": row.project,
            "travel_support": row.travel or "",
            "stipend_conditional": bool(row.stipend_reason) if row.travel else None,
            "stipend_reason": row.stipend_reason,
            "commits_working_hours": complete,
            "commits_whole_year": complete,
            "commits_language": complete,
            "submitted_at": moments["submitted_at"],
            "candidate_confirmed_at": moments["candidate_confirmed_at"],
            "withdrawn_at": moments["withdrawn_at"],
            "late_admitted_by": facilitator if row.stage is Stage.LATE else None,
            "late_admitted_at": moments["late_admitted_at"],
            "late_admission_note": LATE_ADMISSION_NOTE if row.stage is Stage.LATE else "",
            # Drafts have no confirmation link yet; submitting is what creates one.
            "candidate_token_hash": Nomination.hash_token(candidate_token(token=token))
            if moments["submitted_at"]
            else "",
        },
    )
    nomination.themes.set(cohort.themes.filter(name__in=row.themes))
    # created_at and updated_at are set by Django on save; give them the 2024 story's dates.
    Nomination.objects.filter(pk=nomination.pk).update(
        created_at=moments["created_at"], updated_at=moments["updated_at"]
    )
    nomination.created_at, nomination.updated_at = moments["created_at"], moments["updated_at"]
    return nomination


def load_nominations(*, cohort: Cohort, libraries: Iterable[Library]) -> list[Nomination]:
    """Create or update the demo's nominations, by fictional nominators of ``libraries``.

    Only the nominators' side is loaded: drafts, submitted nominations (most confirmed by
    their candidate), one withdrawn and one draft let in late. No nomination is under review,
    accepted, waitlisted or declined: selection is a later part of the demo
    (:mod:`nominations.demo_selection`) and sets those.
    """
    by_name = {library.name: library for library in libraries}
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    return [
        load_nomination(
            row=row,
            index=index,
            cohort=cohort,
            library=by_name[row.library],
            facilitator=facilitator,
        )
        for index, row in enumerate(NOMINATIONS)
    ]
