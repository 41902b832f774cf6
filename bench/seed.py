"""Seed the benchmark database: N published stories in bulk, in seconds.

Sections, a dozen authors (some with headshots), a few generated pictures reused
as heroes, bylines, tags, a few corrections and editors' picks, all written with
`bulk_create` in one transaction. `bulk_create` skips `save()` and signals, so
everything `save()` would fill (slugs, clean bodies) is filled here; on
PostgreSQL the trigger from articles/migrations/0003_search_vector.py fills
`search_vector` on insert, so bulk-inserted stories are searchable.

Everything is drawn from a seeded `random.Random`: the same count gives the same
stories. Needs a configured Django (run.py sets it up; tests use pytest-django).
"""

import io
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from taggit.models import Tag, TaggedItem

from articles import related
from articles.models import Article, Byline, Correction, Section, Status
from authors.models import Author
from media_library.models import Image

# Apps whose tables the benchmark owns in its database (and empties on reseed).
CONTENT_APPS = ("articles", "authors", "media_library", "taggit")
BATCH = 2000
# One story every 72 minutes, going back from now: 20 a day.
STORY_INTERVAL = timedelta(minutes=72)

SECTIONS = [
    ("Launches", "launches"),
    ("Mars", "mars"),
    ("The Moon", "moon"),
    ("Space Station", "space-station"),
    ("Astronomy", "astronomy"),
    ("Solar System", "solar-system"),
    ("Earth from Space", "earth"),
    ("Space Business", "business"),
]

# (subject, section slug, what stories about it mention, agency)
SUBJECTS = [
    ("Perseverance", "mars", ["rover", "Jezero Crater", "sample tubes"], "NASA"),
    ("Curiosity", "mars", ["rover", "Gale Crater", "Mount Sharp"], "NASA"),
    ("Ingenuity", "mars", ["helicopter", "rotor blades", "flight log"], "NASA"),
    ("Mars Sample Return", "mars", ["sample tubes", "budget", "lander"], "NASA"),
    ("Artemis II", "moon", ["Orion", "heat shield", "lunar flyby"], "NASA"),
    ("Artemis III", "moon", ["lunar lander", "south pole", "spacesuits"], "NASA"),
    ("Chandrayaan-3", "moon", ["Vikram lander", "Pragyan rover", "south pole"], ""),
    ("Chang'e 6", "moon", ["far side", "sample return", "lunar soil"], "CNSA"),
    ("Starship", "launches", ["Super Heavy", "booster catch", "heat shield"], ""),
    ("Falcon 9", "launches", ["booster landing", "fairing", "launch cadence"], ""),
    ("New Glenn", "launches", ["booster", "Cape Canaveral", "upper stage"], ""),
    ("Ariane 6", "launches", ["Kourou", "upper stage", "launch cadence"], "ESA"),
    ("Vulcan Centaur", "launches", ["solid boosters", "certification"], ""),
    ("Starliner", "space-station", ["thrusters", "helium leak", "docking"], "NASA"),
    ("Crew Dragon", "space-station", ["docking", "crew rotation", "splashdown"], ""),
    ("Tiangong", "space-station", ["Shenzhou", "crew rotation", "spacewalk"], "CNSA"),
    ("Space Station", "space-station", ["spacewalk", "deorbit vehicle"], "NASA"),
    ("Webb", "astronomy", ["infrared", "early galaxies", "exoplanet"], "NASA"),
    ("Hubble", "astronomy", ["gyroscope", "nebula", "galaxy cluster"], "NASA"),
    ("Euclid", "astronomy", ["dark matter", "sky survey", "galaxies"], "ESA"),
    ("Rubin Observatory", "astronomy", ["sky survey", "asteroids", "camera"], ""),
    ("Event Horizon Telescope", "astronomy", ["black hole", "radio dishes"], ""),
    ("Europa Clipper", "solar-system", ["Jupiter", "ice shell", "ocean"], "NASA"),
    ("Juno", "solar-system", ["Io", "volcanoes", "Jupiter"], "NASA"),
    ("OSIRIS-REx", "solar-system", ["Bennu", "asteroid sample", "capsule"], "NASA"),
    ("Psyche", "solar-system", ["metal asteroid", "electric thrusters"], "NASA"),
    ("Parker Solar Probe", "solar-system", ["corona", "solar wind"], "NASA"),
    ("solar maximum", "earth", ["solar flare", "aurora", "geomagnetic storm"], ""),
    ("Landsat", "earth", ["wildfire", "crop maps", "glaciers"], "NASA"),
    ("Sentinel-6", "earth", ["sea level", "ocean heat", "radar altimeter"], "ESA"),
    ("Starlink", "business", ["satellites", "astronomers", "spectrum"], ""),
    ("Rocket Lab", "business", ["Electron", "Neutron", "launch cadence"], ""),
    ("Project Kuiper", "business", ["satellites", "broadband", "spectrum"], ""),
]

HEADLINES = [
    "{S} team reports progress on {K}",
    "What {S} has found so far about {K}",
    "{S}: engineers study {K} after an anomaly",
    "Why {K} matters for {S}",
    "{S} delays {K} work to next year",
    "New images from {S} show {K}",
    "{S} passes a key review ahead of {K} milestone",
    "Explainer: how {S} handles {K}",
    "Budget fight puts {S} and its {K} at risk",
    "{S} sets a record for {K}",
]

LEADS = [
    "The {S} team said on Tuesday that work on {K} is ahead of the plan agreed "
    "last year, though engineers cautioned that the hardest tests are still to come.",
    "Scientists working with {S} have published a first look at {K}, a result "
    "they describe as surprising and one they expect to revisit as more data arrive.",
    "Managers of {S} told a review board that {K} remains the biggest open "
    "question, and that a decision on the next steps is expected within weeks.",
    "For the people who built {S}, {K} was never the headline goal, yet it is "
    "where the mission has produced some of its most useful measurements.",
]

# Generic sentences: a story's body samples 15 of them, so each appears in about
# a fifth of the stories, and a common word ("launch") in most, as on a real
# space site; mission words come from the story's subject.
SENTENCES = [
    "The launch window opens shortly after dawn and lasts about two hours.",
    "Engineers spent the weekend reviewing telemetry from the previous flight.",
    "A spokesperson said the schedule depends on the results of a final test.",
    "The agency has not said how much the delay will cost.",
    "Independent experts said the approach was sound but the timeline ambitious.",
    "The spacecraft carries instruments from research groups in six countries.",
    "Ground stations in Spain, Australia and California will track the descent.",
    "The data will be released to the public after a six-month review.",
    "Weather forecasters gave a seventy percent chance of acceptable conditions.",
    "Flight controllers rehearsed the procedure dozens of times in simulators.",
    "The mission was approved a decade ago and has survived two budget reviews.",
    "Researchers compared the new images with maps made by earlier orbiters.",
    "The booster is expected to return to the landing zone minutes after liftoff.",
    "An earlier attempt was called off when a sensor reported a pressure drop.",
    "Several commercial companies are competing for the follow-on contract.",
    "The crew will spend about six months aboard before returning to Earth.",
    "Astronomers hope the survey will catalogue billions of faint galaxies.",
    "The telescope's mirror segments were aligned to within a few nanometres.",
    "A solar storm could disrupt radio links and satellite navigation for hours.",
    "Mission planners chose the landing site for its ancient river deposits.",
    "The thrusters fired for eleven minutes to raise the spacecraft's orbit.",
    "Critics say the programme has drifted far beyond its original budget.",
    "The samples will be sealed in tubes and left for a later mission to collect.",
    "Officials said safety, not the calendar, would decide the launch date.",
    "The rover drove almost two hundred metres, a record for a single day.",
    "The findings appear this week in a peer-reviewed journal.",
    "Satellite operators were warned to expect increased atmospheric drag.",
    "Students will be able to download the raw images from the project website.",
    "The heat shield must survive temperatures of nearly three thousand degrees.",
    "Analysts expect the market to grow as reusable rockets fly more often.",
    "A review panel will report its conclusions to Congress in the spring.",
    "The instrument was calibrated against a lamp of known brightness.",
    "Technicians replaced a faulty valve after a leak check in the hangar.",
    "The probe's solar panels produce less power the farther it travels.",
    "Most of the hardware was built in Europe and shipped by sea.",
    "Radio signals take more than forty minutes to make the round trip.",
    "The first results surprised even the scientists who proposed the mission.",
    "Insurance for the payload was bought at a record low premium.",
    "Amateur observers photographed the plume from hundreds of kilometres away.",
    "The software update was uploaded in several pieces over a week.",
    "A small team in Pasadena keeps watch over the spacecraft around the clock.",
    "Dust storms can cut the sunlight reaching the surface by half.",
    "The contract includes options for three more flights.",
    "Union leaders at the factory said the workforce had doubled in two years.",
    "Regulators must still approve the new flight profile.",
    "The capsule splashed down within a few kilometres of the recovery ship.",
    "Cosmic rays remain one of the main risks for crews on long journeys.",
    "Scientists will need years to work through the archive of observations.",
    "The orbit was chosen to keep the instruments in permanent shadow.",
    "The company declined to say how many engines it had tested this year.",
    "A university consortium operates the instrument on the agency's behalf.",
    "The lander's legs are designed to absorb a hard touchdown on rocky ground.",
    "Some of the measurements disagree with the leading computer models.",
    "The launch pad needed repairs after the last flight scattered debris.",
    "Schoolchildren named the asteroid in a contest last year.",
    "The mirror will be cooled to a few degrees above absolute zero.",
    "Manufacturing problems pushed the first flight back by eighteen months.",
    "Engineers traced the fault to a connector that had worked loose.",
    "The mission's budget has been cut twice since it was approved.",
    "Observers in the southern hemisphere will have the best view.",
    "The new tracking antenna doubles the data the spacecraft can send home.",
    "Divers recovered parts of the fairing from the ocean for reuse.",
    "Pictures taken from orbit show the scar left by the impact.",
    "A second launch of the same design is planned for next year.",
    "The partners still disagree on who will pay for the extended mission.",
    "The experiment ran for ninety days without a single reset.",
    "Meteorologists use the satellite's data in daily forecasts.",
    "The docking port was fitted during a spacewalk last summer.",
    "Scientists want to know whether the water was ever liquid.",
    "The final decision rests with the agency's administrator.",
]

AUTHORS = [
    ("Ada Reyes", "Senior Space Writer"),
    ("Tomasz Nowak", "Launch Reporter"),
    ("Priya Raman", "Science Editor"),
    ("Jonah Whitfield", "Staff Writer"),
    ("Mei Takahashi", "Astronomy Correspondent"),
    ("Luis Ortega", "Space Business Reporter"),
    ("Hannah Brooks", "Staff Writer"),
    ("Kwame Mensah", "Planetary Science Writer"),
    ("Sofia Lindqvist", "Europe Correspondent"),
    ("Daniel Cho", "Data Reporter"),
    ("Rosa Delgado", "Contributing Writer"),
    ("Idris Haddad", "Night Editor"),
]
HEROES = 6
HEADSHOTS = 4


@dataclass
class SeedSummary:
    stories: int
    sections: int
    authors: int
    images: int
    bylines: int
    tagged: int
    seconds: float
    reused: bool = False


def story_count() -> int:
    return Article.objects.filter(status=Status.PUBLISHED).count()


def ensure_seeded(
    stories: int, *, reseed: bool = False, body_words: int | None = None
) -> SeedSummary:
    """`stories` published stories in the database: kept if they are already
    there (same count) unless `reseed`, else the content tables are emptied and
    seeded again (`body_words`: see `seed`; a reused database keeps its bodies,
    so pass `reseed` when changing it)."""
    started = time.perf_counter()
    if not reseed and story_count() == stories and Section.objects.exists():
        tidy()
        return SeedSummary(
            stories=stories,
            sections=Section.objects.count(),
            authors=Author.objects.count(),
            images=Image.objects.count(),
            bylines=Byline.objects.count(),
            tagged=TaggedItem.objects.count(),
            seconds=time.perf_counter() - started,
            reused=True,
        )
    empty_content_tables()
    return seed(stories, body_words=body_words)


def tidy() -> None:
    """On PostgreSQL, what autovacuum would have done on a live site after a bulk
    load: planner statistics (without them the first plans are guesses), and
    VACUUM, which moves the rows out of the search index's pending list that
    every search reads through otherwise. VACUUM cannot run in a transaction (a
    test's): there, statistics only."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Article, Byline, TaggedItem, Tag, Section, Author, Image):
            cursor.execute(f"{command} {model._meta.db_table}")  # noqa: S608


def analyze() -> None:
    """Planner statistics for the content tables (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Article, TaggedItem):
                cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608


def empty_content_tables() -> None:
    """Empty every table of the content apps (TRUNCATE on PostgreSQL, DELETE on
    SQLite), resetting their ids; users and content types stay."""
    existing = set(connection.introspection.table_names())
    tables = [
        model._meta.db_table
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.db_table in existing  # a model may await its migration
    ]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Run the deferred foreign-key checks of rows inserted in this transaction
        # (a test's): PostgreSQL refuses to TRUNCATE with checks pending.
        connection.check_constraints()
    sql = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(sql)


def seed(
    stories: int,
    *,
    now: datetime | None = None,
    rng_seed: int = 5,
    body_words: int | None = None,
):
    """Insert `stories` published stories and what they show. Expects empty
    content tables (see `empty_content_tables`). Bodies are about 200 words,
    or about `body_words` laid out as the peer benchmark's (`_long_body`)."""
    started = time.perf_counter()
    rng = random.Random(rng_seed)  # noqa: S311 (made-up stories, not secrets)
    now = now or timezone.now()
    with transaction.atomic():
        sections = {
            section.slug: section
            for section in Section.objects.bulk_create(
                Section(name=name, slug=slug, position=n)
                for n, (name, slug) in enumerate(SECTIONS)
            )
        }
        heroes = [_picture(n, (1200, 675)) for n in range(HEROES)]
        headshots = [_picture(HEROES + n, (400, 400)) for n in range(HEADSHOTS)]
        authors = Author.objects.bulk_create(
            Author(
                name=name,
                slug=slugify(name),
                job_title=title,
                short_bio=f"{name.split()[0]} covers spaceflight for the newsroom.",
                headshot=headshots[n] if n < len(headshots) else None,
            )
            for n, (name, title) in enumerate(AUTHORS)
        )
        tags = _tags()
        content_type = ContentType.objects.get_for_model(Article)
        ids: list[int] = []
        bylines = tagged = 0
        for start in range(0, stories, BATCH):
            batch = [
                _story(
                    n,
                    rng,
                    now=now,
                    sections=sections,
                    heroes=heroes,
                    body_words=body_words,
                )
                for n in range(start, min(start + BATCH, stories))
            ]
            subjects = [subject for _, subject in batch]
            created = Article.objects.bulk_create([article for article, _ in batch])
            batch_ids = _ids(created)
            ids.extend(batch_ids)
            bylines += len(
                Byline.objects.bulk_create(
                    _bylines(batch_ids, authors, rng), batch_size=BATCH
                )
            )
            tagged += len(
                TaggedItem.objects.bulk_create(
                    _tagged(batch_ids, subjects, tags, content_type, rng),
                    batch_size=BATCH * 2,
                )
            )
        _extras(ids, rng, now=now)
    analyze()  # statistics first: ranking related stories joins the new rows
    related.refresh(ids)  # what saving each story would have done
    tidy()
    return SeedSummary(
        stories=len(ids),
        sections=len(sections),
        authors=len(authors),
        images=len(heroes) + len(headshots),
        bylines=bylines,
        tagged=tagged,
        seconds=time.perf_counter() - started,
    )


# --- Pieces -------------------------------------------------------------------


def _picture(n: int, size: tuple[int, int]) -> Image:
    """A generated gradient picture stored through the library (checked and
    re-encoded like any upload); a distinct colour per picture."""
    hue = (n * 47) % 256
    base = PILImage.linear_gradient("L").resize(size)
    picture = PILImage.merge(
        "RGB",
        (
            base.point(lambda v, h=hue: (v + h) % 256),
            base.point(lambda v: v // 2 + 40),
            base.point(lambda v, h=hue: 255 - (v + h) // 2),
        ),
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    image = Image(
        file=ContentFile(buffer.getvalue(), name=f"bench-{n}.jpg"),
        title=f"Benchmark picture {n}",
        alt_text="A generated colour gradient standing in for a launch photo.",
        caption="A generated picture used by the benchmark.",
        credit="Newsroom benchmark",
    )
    image.save()
    return image


def _tags() -> dict[str, Tag]:
    names = sorted(
        {subject for subject, _, _, _ in SUBJECTS}
        | {k for _, _, keywords, _ in SUBJECTS for k in keywords}
        | {agency for _, _, _, agency in SUBJECTS if agency}
    )
    created = Tag.objects.bulk_create(
        Tag(name=name, slug=slugify(name)) for name in names
    )
    return {tag.name: tag for tag in created}


def _body(lead: str, rng: random.Random) -> str:
    """About 200 words: the lead, five paragraphs of generic sentences and a
    subheading, as the editor writes it."""
    sentences = rng.sample(SENTENCES, 15)
    paragraphs = [" ".join(sentences[n : n + 3]) for n in range(0, 15, 3)]
    blocks = [lead, *paragraphs[:3]]
    html = [f"<p>{text}</p>" for text in blocks]
    html.append("<h2>What comes next</h2>")
    html.extend(f"<p>{text}</p>" for text in paragraphs[3:])
    return "\n".join(html)


def _long_body(lead: str, rng: random.Random, words: int, link: str) -> str:
    """About `words` words laid out as the peer benchmark's articles
    (bench/peer/, the Wagtail site's seed): 5 to 7 paragraphs, the first
    opening with the lead, a subheading in the middle, a bold and an italic
    word in each paragraph, a link to another site in the second and one to
    `link`, a page of this site, in the third. Sentences are drawn with
    replacement: a long body needs most of SENTENCES."""
    count = rng.randint(5, 7)
    html = []
    for k in range(count):
        sentences = [lead] if k == 0 else []
        while sum(len(s.split()) for s in sentences) < words // count:
            sentences.append(rng.choice(SENTENCES))
        tokens = " ".join(sentences).split(" ")
        bold, italic = rng.sample(range(1, len(tokens) - 1), 2)
        tokens[bold] = f"<strong>{tokens[bold]}</strong>"
        tokens[italic] = f"<em>{tokens[italic]}</em>"
        text = " ".join(tokens)
        if k == 1:
            report = f"https://example.com/report/{rng.randint(1, 10**6)}"
            text += f' Read the <a href="{report}">full report</a>.'
        if k == 2:
            text += f' See also <a href="{link}">our earlier coverage</a>.'
        html.append(f"<p>{text}</p>")
        if k == count // 2:
            html.append("<h2>What comes next</h2>")
    return "\n".join(html)


def _story(n, rng, *, now, sections, heroes, body_words=None) -> tuple[Article, tuple]:
    """The nth newest story and its subject."""
    subject = rng.choice(SUBJECTS)
    name, section, keywords, _ = subject
    keyword = rng.choice(keywords)
    headline = rng.choice(HEADLINES).format(S=name, K=keyword)
    headline = headline[0].upper() + headline[1:]
    lead = rng.choice(LEADS).format(S=name, K=keyword)
    if body_words is None:
        body = _body(lead, rng)
    else:
        link = sections[section].get_absolute_url()
        body = _long_body(lead, rng, body_words, link)
    jitter = timedelta(minutes=rng.randint(0, 50))
    published_at = now - timedelta(minutes=5) - n * STORY_INTERVAL - jitter
    article = Article(
        headline=headline,
        slug=f"{slugify(headline)[:200]}-{n}",
        dek=f"{lead.split(',')[0]}.",
        body=body,
        section=sections[section],
        status=Status.PUBLISHED,
        published_at=published_at,
        revised_at=published_at + timedelta(hours=2) if n % 10 == 0 else None,
        hero_image=heroes[n % len(heroes)] if n % 7 else None,
        featured=n % 400 == 0,
    )
    return article, subject


def _ids(created: list[Article]) -> list[int]:
    if all(article.pk for article in created):
        return [article.pk for article in created]
    by_slug = dict(
        Article.objects.filter(slug__in=[a.slug for a in created]).values_list(
            "slug", "pk"
        )
    )
    return [by_slug[article.slug] for article in created]


def _bylines(ids, authors, rng):
    for article_id in ids:
        count = rng.choices((1, 2, 3), weights=(80, 17, 3))[0]
        for position, author in enumerate(rng.sample(authors, count)):
            yield Byline(article_id=article_id, author=author, position=position)


def _tagged(ids, subjects, tags, content_type, rng):
    for article_id, (name, _, keywords, agency) in zip(ids, subjects, strict=True):
        names = {name, *rng.sample(keywords, rng.randint(1, min(2, len(keywords))))}
        if agency and rng.random() < 0.7:
            names.add(agency)
        for tag_name in sorted(names):
            yield TaggedItem(
                tag=tags[tag_name], content_type=content_type, object_id=article_id
            )


def _extras(ids: list[int], rng: random.Random, *, now: datetime) -> None:
    """Corrections on 1% of stories, editors' picks on 5%."""
    Correction.objects.bulk_create(
        (
            Correction(
                article_id=article_id,
                text="An earlier version of this story misstated the launch date.",
                created_at=now - timedelta(days=1),
            )
            for article_id in ids[::100]
        ),
        batch_size=BATCH,
    )
    Related = Article.related.through
    Related.objects.bulk_create(
        (
            Related(from_article_id=article_id, to_article_id=pick)
            for article_id in ids[::20]
            for pick in rng.sample(ids, 2)
            if pick != article_id
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
