"""What the demo newsroom contains: sections, people, pictures and stories.

Plain data, read by `demo.loader.load_demo`. Every story is written in our own
words; the Perseverance sky-crane story uses the facts of a real report, never its
sentences, and the other stories are generic explainers with no quotes put in real
people's mouths. Most stories are dated by their age when the demo is loaded
(`ago`), counted from the start of that hour, so a second run within the hour
changes nothing and a run on a later day moves the dates, not the rows; the
sky-crane story keeps its real 2021 dates (`at`).

Story bodies use a tiny markup: a plain string is a paragraph, "## " starts a
subheading and "> " a block quote; `html()` turns them into the HTML the editor
would produce.
"""

from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A fixed, timezone-aware newsroom time (New York)."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def ago(*, days: int = 0, hours: int = 0, minutes: int = 0) -> timedelta:
    """How long before the demo is loaded a story went out: the loader takes
    it from the hour it runs in, so the front page has today's stories (and the
    news sitemap, which lists the last 48 hours, has several) whatever the day.
    A correction's `after` is how long after its story it was added."""
    return timedelta(days=days, hours=hours, minutes=minutes)


def html(*blocks: str) -> str:
    out = []
    for block in blocks:
        if block.startswith("## "):
            out.append(f"<h2>{escape(block[3:], quote=False)}</h2>")
        elif block.startswith("[picture "):  # [picture image-key] its caption
            key, caption = block[len("[picture ") :].split("]", 1)
            out.append(
                f'<figure data-library-image="{{{key}}}" '
                f'data-caption="{escape(caption.strip())}"></figure>'
            )
        elif block.startswith("[embed "):  # [embed address] its title | caption
            url, rest = block[len("[embed ") :].split("]", 1)
            title, _, caption = rest.partition("|")
            out.append(
                f'<figure data-embed="{escape(url)}" data-title="'
                f'{escape(title.strip())}" data-caption="{escape(caption.strip())}">'
                "</figure>"
            )
        elif block.startswith("> "):
            out.append(
                f"<blockquote><p>{escape(block[2:], quote=False)}</p></blockquote>"
            )
        else:
            out.append(f"<p>{escape(block, quote=False)}</p>")
    return "\n".join(out)


# --- Logins ------------------------------------------------------------------

# Printed by `load_demo` for anyone to use: demo and development sites only.
EDITOR_PASSWORD = "sky-crane-editor"  # noqa: S105
WRITER_PASSWORD = "sky-crane-writer"  # noqa: S105

USERS = [
    {
        "username": "editor",
        "password": EDITOR_PASSWORD,
        "group": "Editors",
        "first_name": "Demo",
        "last_name": "Editor",
        "email": "editor@example.com",
    },
    {
        "username": "writer",
        "password": WRITER_PASSWORD,
        "group": "Writers",
        "first_name": "Daniel",
        "last_name": "Okafor",
        "email": "writer@example.com",
    },
]

# The groups' permissions are workflow.roles.ROLES.


# --- Sections ----------------------------------------------------------------

SECTIONS = [
    {
        "slug": "news",
        "name": "News",
        "description": "The day's space stories: missions, agencies, budgets and "
        "the decisions that shape what flies next.",
        "position": 0,
    },
    {
        "slug": "spaceflight",
        "name": "Spaceflight",
        "description": "Launches, landings, crews and the machines that carry "
        "them, from the launch pad to other worlds.",
        "position": 1,
    },
    {
        "slug": "science-astronomy",
        "name": "Science & Astronomy",
        "description": "Planets, stars, galaxies and the people who study them, "
        "explained without the jargon.",
        "position": 2,
    },
    {
        "slug": "skywatching",
        "name": "Skywatching",
        "description": "What to look for in the night sky, when to look, and how "
        "to see it well with your eyes, binoculars or a telescope.",
        "position": 3,
    },
    {
        "slug": "tech",
        "name": "Tech",
        "description": "Engines, satellites, robots and the engineering behind "
        "every mission.",
        "position": 4,
    },
]


# --- Pictures ----------------------------------------------------------------
# "scene" names a drawing in demo.pictures; "headshot" draws a portrait
# placeholder from initials and a colour. The seed fixes the bytes.

IMAGES = {
    "hazcam-plume": {
        "scene": "hazcam_plume",
        "seed": 2021_02_18,
        "title": "Perseverance rear Hazcam: descent stage impact plume",
        "alt_text": "A fish-eye view across flat, reddish Martian ground under a tan "
        "sky. A dark smudge of smoke and dust rises from the horizon on the right, "
        "and one of the rover's wheels fills the lower left corner.",
        "caption": "Shortly after it touched down in Jezero Crater on Feb. 18, 2021, "
        "Perseverance used a rear hazard-avoidance camera to photograph the dust "
        "rising where its sky crane had crashed on purpose, far from the rover.",
        "credit": "NASA/JPL-Caltech",
        "licence": "public-domain",
        "source_url": "https://mars.nasa.gov/",
    },
    "jezero-cliffs": {
        "scene": "jezero_cliffs",
        "seed": 45,
        "title": "Layered rock at the front of the Jezero delta",
        "alt_text": "Bands of brown and tan rock stacked in layers, forming low "
        "cliffs that stretch across the frame under a pale orange sky, with a "
        "pebble-strewn plain in the foreground.",
        "caption": "Stacked layers of sediment at the edge of Jezero Crater's "
        "ancient delta, laid down by a river that once flowed into a lake.",
        "credit": "NASA/JPL-Caltech",
        "licence": "public-domain",
        "source_url": "https://mars.nasa.gov/",
    },
    "booster-launch": {
        "scene": "rocket_launch",
        "seed": 9,
        "title": "Falcon 9 lifting off at dusk",
        "alt_text": "A slender white rocket climbs into a purple evening sky on a "
        "bright orange flame, leaving a dark launch tower behind and a wide cloud "
        "of glowing exhaust across the ground.",
        "caption": "A Falcon 9 rises from its pad. Minutes later, its first stage "
        "will turn around and fly itself back for a landing.",
        "credit": "SpaceX",
        "licence": "agency",
        "source_url": "",
    },
    "engine-test": {
        "scene": "engine_firing",
        "seed": 1969,
        "title": "Rocket engine on a horizontal test stand",
        "alt_text": "A rocket engine bolted sideways to a concrete stand fires a "
        "long orange flame with bright white diamonds inside it, while billows "
        "of white steam roll away to the right.",
        "caption": "An engine test firing on a ground stand. The bright diamonds "
        "in the plume are shock waves in the supersonic exhaust.",
        "credit": "NASA",
        "licence": "public-domain",
        "source_url": "https://www.nasa.gov/",
    },
    "perseid-sky": {
        "scene": "meteor_sky",
        "seed": 109,
        "title": "Meteors over a dark treeline",
        "alt_text": "A starry night sky with a faint band of the Milky Way and "
        "several thin streaks of light, all slanting the same way, above the "
        "black silhouette of pine trees.",
        "caption": "Meteors in a long exposure. Trace the streaks backward and they "
        "meet at one point in the sky, the shower's radiant.",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "exoplanet-art": {
        "scene": "planet_and_star",
        "seed": 51,
        "title": "Illustration: a gas giant and its star",
        "alt_text": "An illustration of a large planet with tan and brown cloud "
        "bands, lit from the upper right by a glowing yellow star, against a black "
        "sky full of small stars.",
        "caption": "An artist's impression of a giant planet orbiting another star. "
        "Most worlds like this are known only from the way they affect their star's "
        "light.",
        "credit": "ESA",
        "licence": "cc-by-sa",
        "source_url": "https://www.esa.int/",
    },
    "webb-clouds": {
        "scene": "webb_nebula",
        "seed": 2021_12_25,
        "title": "Infrared view of a star-forming cloud",
        "alt_text": "Glowing clouds of orange, gold and blue gas spread across a "
        "dark field of stars. The brightest stars have six sharp spikes of light.",
        "caption": "Infrared light passes through dust that hides newborn stars "
        "from visible-light telescopes. The six-pointed spikes come from the "
        "shape of Webb's mirror segments.",
        "credit": "NASA, ESA, CSA, STScI",
        "licence": "cc-by",
        "source_url": "https://webbtelescope.org/",
    },
    "eclipse-corona": {
        "scene": "eclipse_corona",
        "seed": 2026_08_12,
        "title": "Total solar eclipse: the corona",
        "alt_text": "A black disc in the middle of a dark sky, surrounded by a "
        "white, feathery glow with faint streamers reaching outward, and a tiny "
        "pink point at its upper right edge.",
        "caption": "During totality the Moon blocks the Sun's bright face and the "
        "faint outer atmosphere, the corona, comes into view.",
        "credit": "NASA",
        "licence": "public-domain",
        "source_url": "https://science.nasa.gov/",
    },
    "station-pass": {
        "scene": "station_pass",
        "seed": 400,
        "title": "Space station pass over rooftops",
        "alt_text": "A long-exposure photo of a deep blue evening sky with a single "
        "bright arc of light curving from one side to the other above a row of "
        "dark house roofs, some with lit windows.",
        "caption": "The International Space Station draws a steady arc across the "
        "evening sky in this long exposure taken from a suburban street.",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "crescent-moon": {
        "scene": "crescent_moon",
        "seed": 1510,
        "title": "Crescent Moon with earthshine",
        "alt_text": "A thin, bright crescent Moon hangs in a blue twilight sky above "
        "dark hills and an orange horizon. The rest of the Moon's disc is faintly "
        "visible as a grey circle.",
        "caption": "Sunlight bounced off Earth faintly lights the night side of a "
        "young crescent Moon.",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "satellite-trails": {
        "scene": "satellite_trails",
        "seed": 4242,
        "title": "Satellite trails across a telescope image",
        "alt_text": "A black star field crossed diagonally by a dozen parallel "
        "white lines, plus a few more lines at other angles.",
        "caption": "A train of freshly launched satellites cuts across a long "
        "telescope exposure, spoiling part of the frame.",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "ingenuity-hover": {
        "scene": "ingenuity_flight",
        "seed": 2021_04_19,
        "title": "Illustration: Ingenuity hovering over Jezero Crater",
        "alt_text": "An illustration of a small helicopter with two stacked rotors "
        "and four thin legs hovering a few metres above rippled reddish sand, its "
        "shadow on the ground below.",
        "caption": "An illustration of Ingenuity in flight. The helicopter's two "
        "rotors turn in opposite directions at about 2,400 revolutions a minute.",
        "credit": "Staff illustration",
        "licence": "staff",
        "source_url": "",
    },
    "sample-tubes": {
        "scene": "sample_tubes",
        "seed": 2022_12_21,
        "title": "Illustration: sample tubes left on the crater floor",
        "alt_text": "An illustration of three shiny metal tubes lying a few "
        "metres apart on dusty, pebbly reddish ground under a tan sky.",
        "caption": "An illustration of sealed sample tubes set down on the "
        "surface, spaced apart so a future mission could pick them up one by one.",
        "credit": "Staff illustration",
        "licence": "staff",
        "source_url": "",
    },
    "cargo-approach": {
        "scene": "cargo_approach",
        "seed": 2025_07_08,
        "title": "Illustration: a cargo ship below the space station",
        "alt_text": "An illustration of a white cone-shaped cargo capsule below "
        "the long truss of the space station and its gold solar wings, with the "
        "blue curve of Earth and white clouds underneath.",
        "caption": "An illustration of a cargo ship's final approach, climbing "
        "towards the station from below along the line to Earth.",
        "credit": "Staff illustration",
        "licence": "staff",
        "source_url": "",
    },
    "moon-flyby": {
        "scene": "moon_flyby",
        "seed": 2026_04_06,
        "title": "Illustration: the Moon's far side with Earth beyond",
        "alt_text": "An illustration of the grey, cratered surface of the Moon "
        "curving across the bottom of the frame, with a small blue and white "
        "Earth in the black sky above it.",
        "caption": "An illustration of the view a crew gets as its capsule swings "
        "around the Moon, with Earth small in the distance.",
        "credit": "Staff illustration",
        "licence": "staff",
        "source_url": "",
    },
    "headshot-mike-wall": {
        "headshot": ("MW", (38, 110, 124)),
        "seed": 2010,
        "title": "Mike Wall headshot",
        "alt_text": "Placeholder portrait of Mike Wall: a dark head-and-shoulders "
        "silhouette with the initials MW on a teal background.",
        "caption": "",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "headshot-priya-ramanathan": {
        "headshot": ("PR", (120, 62, 120)),
        "seed": 2016,
        "title": "Priya Ramanathan headshot",
        "alt_text": "Placeholder portrait of Priya Ramanathan: a dark "
        "head-and-shoulders silhouette with the initials PR on a plum background.",
        "caption": "",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
    "headshot-daniel-okafor": {
        "headshot": ("DO", (190, 110, 40)),
        "seed": 2021,
        "title": "Daniel Okafor headshot",
        "alt_text": "Placeholder portrait of Daniel Okafor: a dark "
        "head-and-shoulders silhouette with the initials DO on an amber background.",
        "caption": "",
        "credit": "Staff",
        "licence": "staff",
        "source_url": "",
    },
}


# --- Authors -----------------------------------------------------------------

AUTHORS = [
    {
        "slug": "mike-wall",
        "name": "Mike Wall",
        "job_title": "Senior Space Writer",
        "year_joined": 2010,
        "beats": "exoplanets, spaceflight, military space, space art",
        # The story page prints "Name, Job title." before the short bio.
        "short_bio": "He has written about space for us since 2010, mostly "
        "exoplanets, spaceflight and military space. His book "
        '"Out There" explores the hunt for life beyond Earth.',
        "bio": "\n\n".join(
            [
                "Mike Wall joined the newsroom in 2010 and is now one of our "
                "senior space writers. Most of his stories are about planets "
                "circling other stars, rockets and the crews who ride them, and "
                "the growing role of the armed forces in orbit. Now and then he "
                "takes a detour into space art.",
                "Writing is Mike's second career. Before he turned to science "
                "journalism he worked in the field as a wildlife biologist and "
                "herpetologist, studying reptiles and amphibians. His doctorate, "
                "in evolutionary biology, is from the University of Sydney in "
                "Australia; his undergraduate degree is from the University of "
                "Arizona. He trained as a journalist through the science writing "
                "graduate certificate program at the University of California, "
                "Santa Cruz.",
                'His book "Out There", illustrated by Karl Tate, came out from '
                "Grand Central Publishing on Nov. 13, 2018. It asks where life "
                "beyond Earth might be hiding, how scientists are looking for "
                "it, and what a discovery would mean for us.",
                "You can find Mike on X, where he shares new stories and keeps "
                "up with launch days.",
            ]
        ),
        "education": "\n".join(
            [
                "Ph.D. in evolutionary biology, University of Sydney",
                "Bachelor's degree, University of Arizona",
                "Graduate certificate in science writing, "
                "University of California, Santa Cruz",
            ]
        ),
        "x_handle": "michaeldwall",
        "headshot": "headshot-mike-wall",
        "user": None,
        "books": [
            {
                "title": "Out There",
                "publisher": "Grand Central Publishing",
                "year": 2018,
                "published_on": date(2018, 11, 13),
                "note": "illustrated by Karl Tate",
                "position": 0,
            }
        ],
    },
    {
        "slug": "priya-ramanathan",
        "name": "Priya Ramanathan",
        "job_title": "Astronomy Editor",
        "year_joined": 2016,
        "beats": "astronomy, exoplanets, space telescopes, planetary science",
        "short_bio": "She edits our astronomy coverage and writes "
        "about telescopes, exoplanets and the solar system.",
        "bio": "\n\n".join(
            [
                "Priya Ramanathan runs the Science & Astronomy desk. She came to "
                "the newsroom in 2016 as a staff writer and took over as astronomy "
                "editor a few years later.",
                "Before journalism she spent several years processing survey data "
                "for an observatory, which is why she will happily explain what a "
                "light curve is to anyone who asks. Her favorite stories are the "
                "ones where a faint wobble in a graph turns out to be a world.",
                "Send her tips about new papers, telescopes and planetary "
                "missions at the address below.",
            ]
        ),
        "education": "\n".join(
            [
                "M.Sc. in astrophysics",
                "B.Sc. in physics",
            ]
        ),
        "tips_email": "priya.ramanathan@example.com",
        "headshot": "headshot-priya-ramanathan",
        "user": None,
        "books": [],
    },
    {
        "slug": "daniel-okafor",
        "name": "Daniel Okafor",
        "job_title": "Spaceflight Reporter",
        "year_joined": 2021,
        "beats": "launches, rockets, International Space Station",
        "short_bio": "He covers launches, rockets and life aboard the "
        "International Space Station.",
        "bio": "\n\n".join(
            [
                "Daniel Okafor reports on spaceflight, from countdowns and "
                "scrubs to the months-long routines of station crews. He joined "
                "the newsroom in 2021.",
                "He previously covered aviation and transport for a regional "
                "newspaper, and still reads accident reports for fun. On launch "
                "nights you will usually find him on the live blog.",
            ]
        ),
        "education": "B.A. in journalism",
        "headshot": "headshot-daniel-okafor",
        "user": "writer",
        "books": [],
    },
    {
        "slug": "hannah-lindqvist",
        "name": "Hannah Lindqvist",
        "job_title": "Skywatching Columnist",
        "year_joined": 2013,
        "beats": "night sky, meteor showers, eclipses, astrophotography",
        "short_bio": "She writes our skywatching guides and has "
        "chased eclipses on three continents.",
        "bio": "\n\n".join(
            [
                "Hannah Lindqvist has written the Skywatching column since 2013. "
                "Her guides aim to get readers outside and looking up, whether "
                "they own a telescope or just a folding chair.",
                "She is a long-time member of her local astronomy club, runs "
                "public star parties in the summer and has traveled to see "
                "several total solar eclipses.",
            ]
        ),
        "education": "B.Sc. in geography",
        "headshot": None,
        "user": None,
        "books": [],
    },
    {
        "slug": "marcus-bell",
        "name": "Marcus Bell",
        "job_title": "Contributing Writer, Space Technology",
        "year_joined": 2019,
        "beats": "satellites, rocket engines, space industry",
        "short_bio": "He writes about the engineering behind rockets, "
        "satellites and robotic explorers.",
        "bio": "\n\n".join(
            [
                "Marcus Bell is a former propulsion test engineer who has "
                "contributed to the Tech section since 2019.",
                "He likes stories that open up a machine and show how it works, "
                "from turbopumps to the radios that talk to deep-space probes.",
            ]
        ),
        "education": "B.Eng. in mechanical engineering",
        "headshot": None,
        "user": None,
        "books": [],
    },
]


# --- Stories -----------------------------------------------------------------

SKY_CRANE_SLUG = "perseverance-sky-crane-crash-photo"
DRAFT_SLUG = "comet-outlook-next-year"

STORIES = [
    {
        "slug": SKY_CRANE_SLUG,
        "featured": True,  # it leads the demo's front page
        "headline": "Perseverance watched its sky crane crash on Mars",
        "dek": "One of the rover's rear hazard cameras caught the dust cloud from "
        "the descent stage's deliberate crash, within minutes of touchdown in "
        "Jezero Crater.",
        "section": "spaceflight",
        "bylines": ["mike-wall"],
        "tags": ["Mars", "Perseverance", "NASA", "Mars 2020", "Jezero Crater"],
        "hero": "hazcam-plume",
        # Its page links to the landing pictures (GALLERY).
        "gallery": "perseverance-landing-pictures",
        "published_at": at(2021, 2, 25, 10, 30),
        "seo_title": "Perseverance rover photographed its sky crane's crash on Mars",
        "seo_description": "A rear Hazcam on NASA's Perseverance rover recorded "
        "the smoke plume from the sky crane's planned crash shortly after the "
        "Feb. 18, 2021 landing in Jezero Crater.",
        "related": [
            "how-we-know-jezero-held-a-lake",
            "perseverance-sample-depot",
            "ingenuity-mars-helicopter-lessons",
        ],
        "body": html(
            "The rocket-powered machine that set NASA's Perseverance rover down "
            "on Mars had one last job after the landing: get out of the way. It "
            "did, by flying off and hitting the ground on purpose, and the rover "
            "it had just delivered took a picture of the result.",
            "Perseverance came to rest on the floor of Jezero Crater on Feb. 18, "
            '2021. That ended what engineers call the "seven minutes of '
            'terror", the entry, descent and landing sequence in which the '
            "spacecraft slows from interplanetary speed to a standstill while "
            "running entirely on its own, because a signal takes too long to "
            "reach Mars for anyone on Earth to help.",
            # The landing video NASA published on Feb. 22, 2021.
            "[embed https://www.youtube.com/watch?v=4czjS9h4Fpg] Perseverance "
            "rover's descent and touchdown on Mars | The last minutes of the "
            "landing, filmed by the spacecraft's own cameras: the parachute "
            "opening, the heat shield falling away and the sky crane at work.",
            "## A crane that flies",
            "The final step of that sequence belongs to the descent stage, "
            "better known as the sky crane. Hovering on its engines a few meters "
            "above the surface, it let out a set of cables and lowered the rover, "
            "which is about the size of a car, gently onto its wheels. Once the "
            "rover was down the cables were cut, and the stage throttled up and "
            "flew away so that it would come down well clear of Perseverance and "
            "of the ground the mission wants to study.",
            "A hazard-avoidance camera at the back of the rover, one of its "
            "Hazcams, happened to be pointing the right way. Within a minute or "
            "two of touchdown it captured a dark puff of smoke and dust rising "
            "from the horizon: the spot where the sky crane had ended its flight. "
            "NASA released the image on Feb. 24.",
            "> The mission's social media team gave the descent stage a send-off, "
            "thanking it for a crash that kept both the rover and the science at "
            "its landing site safe.",
            "## Watched from orbit",
            "Perseverance was not the only spacecraft paying attention. The day "
            "after the landing, the HiRISE camera on NASA's Mars Reconnaissance "
            "Orbiter photographed the area and picked out all of the hardware the "
            "mission had left behind: the rover, the wreck of the sky crane, the "
            "heat shield, and the parachute still attached to the backshell, each "
            "lying in its own patch of the crater floor.",
            "[picture jezero-cliffs] Layered rock at the edge of Jezero's old "
            "delta: the kind of ground Perseverance was sent to read.",
            "The rover is the heart of the $2.7 billion Mars 2020 mission. Over "
            "the coming years it will look for signs that microbes once lived in "
            "Jezero, and it will seal promising rock and soil samples in tubes "
            "that a later mission could bring back to Earth.",
            "While engineers work through the rover's checkout after landing, its "
            "cameras are already at work. The team has assembled 142 frames from "
            "the Mastcam-Z camera system into a 360-degree view around the rover, "
            "the most complete look so far at a crater that held a lake, fed "
            "by a river delta, billions of years ago.",
        ),
        "corrections": [],
    },
    {
        "slug": "how-we-know-jezero-held-a-lake",
        "headline": "How scientists know Jezero Crater once held a lake",
        "dek": "Orbital maps, layered cliffs and the rover's own instruments all "
        "point to standing water in the crater billions of years ago.",
        "section": "science-astronomy",
        "bylines": ["priya-ramanathan", "mike-wall"],
        "tags": ["Mars", "Perseverance", "Jezero Crater", "Planetary science"],
        "hero": "jezero-cliffs",
        "published_at": ago(days=24, hours=2),
        "related": [SKY_CRANE_SLUG, "perseverance-sample-depot"],
        "body": html(
            "Long before a rover rolled across it, Jezero Crater was picked as a "
            "landing site because of what orbiting cameras could see from above: "
            "a fan of sediment spreading from a gap in the crater wall, the shape "
            "rivers leave when they slow down and drop their load into still "
            "water.",
            "## Reading the layers",
            "Up close, the front of that fan is a set of low cliffs made of "
            "stacked layers. Some are fine-grained, the kind of mud that settles "
            "slowly at the bottom of a lake. Others hold rounded pebbles and "
            "boulders that only fast-moving water could have carried, probably "
            "during floods late in the lake's life.",
            "The rover's instruments add chemistry to the picture. Minerals such "
            "as clays and carbonates form when rock sits in water for a long time, "
            "and both have been found in and around the delta.",
            "## Why it matters",
            "On Earth, lake beds and deltas are very good at trapping and "
            "preserving traces of life. That is why the mission has spent so "
            "much time sampling these rocks: if Mars ever had microbes, places "
            "like this are where their traces would most likely survive.",
        ),
        "corrections": [],
    },
    {
        "slug": "ingenuity-mars-helicopter-lessons",
        "headline": "What Mars' first helicopter taught engineers about flying on "
        "other worlds",
        "dek": "Planned as a five-flight experiment, Ingenuity kept flying for "
        "almost three years.",
        "section": "tech",
        "bylines": ["marcus-bell"],
        "tags": ["Mars", "Ingenuity", "Perseverance", "Helicopters", "NASA"],
        "hero": "ingenuity-hover",
        "published_at": ago(days=19, hours=5),
        "related": [SKY_CRANE_SLUG],
        "body": html(
            "Ingenuity reached Mars tucked under the belly of the Perseverance "
            "rover. On April 19, 2021, it made the first powered, controlled "
            "flight by an aircraft on another planet, a short hop straight up and "
            "back down.",
            "Flying on Mars is hard because there is so little air to push "
            "against: the atmosphere at the surface is roughly one percent as "
            "dense as Earth's at sea level. To make enough lift, the helicopter's "
            "two stacked rotors had to spin far faster than a typical helicopter's, "
            "and everything else had to be as light as possible.",
            "## From demo to scout",
            "The original plan called for up to five test flights. Instead, "
            "Ingenuity went on to make 72, scouting terrain ahead of the rover and "
            "flying farther and higher than its designers had first dared. Its "
            "mission ended in early 2024, after a landing damaged its rotor "
            "blades.",
            "Engineers are folding what they learned, about navigation over "
            "featureless sand, dust, and cold nights, into designs for larger "
            "Mars helicopters that could carry science instruments of their own.",
        ),
        "corrections": [],
    },
    {
        "slug": "perseverance-sample-depot",
        "headline": "Why Perseverance left a cache of sample tubes on the crater floor",
        "dek": "The rover keeps its samples on board, but it also set a backup "
        "collection down on the surface in case anything goes wrong.",
        "section": "news",
        "bylines": ["mike-wall"],
        "tags": ["Mars", "Perseverance", "Mars Sample Return", "NASA"],
        "hero": "sample-tubes",
        "published_at": ago(days=15, hours=1),
        "related": [SKY_CRANE_SLUG, "how-we-know-jezero-held-a-lake"],
        "body": html(
            "Collecting pieces of Mars is one of the main reasons Perseverance "
            "exists. The rover drills finger-sized cores of rock, seals them in "
            "metal tubes and stores them, waiting for a future mission to pick "
            "them up and bring them home.",
            "For several of its samples the rover took two cores from the same "
            "rock. It kept one of each pair on board and laid the other on the "
            "ground at a chosen spot on the crater floor, building a depot that "
            "could still be collected if the rover itself stopped working.",
            "## The return trip",
            "Getting those tubes to Earth would take a lander, a small rocket to "
            "launch them into Mars orbit and a spacecraft to carry them back. "
            "Plans for that campaign have been reviewed and reworked several "
            "times as estimates of its cost and schedule grew, and the details "
            "are still being debated.",
            "Scientists argue that the samples are worth the trouble: laboratories "
            "on Earth can study a grain of rock in far more detail than any "
            "instrument small enough to fly on a rover.",
        ),
        "corrections": [],
    },
    {
        "slug": "how-falcon-9-boosters-land",
        "headline": "How a Falcon 9 booster finds its way back to land",
        "dek": "Three engine burns, four grid fins and a landing timed to the "
        "second: the choreography behind a rocket that comes home.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["Launches", "Falcon 9", "SpaceX", "Reusable rockets"],
        "hero": "booster-launch",
        "published_at": ago(days=12, hours=4),
        "related": ["how-rocket-turbopumps-work"],
        "body": html(
            "For most of the history of spaceflight, a rocket's first stage was "
            "used once and dropped into the ocean. The Falcon 9 changed that "
            "habit by flying its first stage back for a landing, so it can be "
            "inspected, refueled and launched again.",
            "## Separation and boostback",
            "A couple of minutes after liftoff, the first stage shuts down its "
            "nine engines and separates from the upper stage, which carries on "
            "to orbit. If the booster is heading back toward the launch site, it "
            "flips around and relights some of its engines in a boostback burn "
            "that reverses its course.",
            "## Fins and a final burn",
            "Coming back down, the stage fires its engines again to slow itself "
            "before it plunges into the thicker lower atmosphere. Four lattice "
            "grid fins near the top of the booster steer it toward the target, "
            "which can be a landing pad on land or a drone ship waiting at sea.",
            "In the last seconds a single engine lights for the landing burn, "
            "the legs unfold, and the stage settles onto its target. The whole "
            "trip, from liftoff to touchdown, takes less than ten minutes.",
        ),
        "corrections": [],
    },
    {
        "slug": "how-rocket-turbopumps-work",
        "headline": "The spinning heart of a rocket engine: how turbopumps work",
        "dek": "A liquid-fuel engine is only as strong as the pump that feeds it.",
        "section": "tech",
        "bylines": ["marcus-bell"],
        "tags": ["Rocket engines", "Propulsion", "Engineering"],
        "hero": "engine-test",
        "published_at": ago(days=10, hours=3),
        "related": ["how-falcon-9-boosters-land"],
        "body": html(
            "A large rocket engine has to push enormous amounts of fuel and "
            "oxidizer into its combustion chamber every second, at pressures far "
            "higher than the chamber's own. Tanks strong enough to do that by "
            "themselves would be far too heavy, so most engines use a turbopump: "
            "a turbine that spins a pump on the same shaft.",
            "## Where the turbine's power comes from",
            "The turbine has to be driven by something hot. In a gas-generator "
            "engine, a small amount of propellant is burned in a separate "
            "chamber, and the exhaust that spins the turbine is then dumped "
            "overboard. It is simple, but that dumped gas does not add much "
            "thrust.",
            "Staged-combustion engines route that gas into the main chamber "
            "instead, squeezing out more performance at the cost of much harsher "
            "conditions inside the pump. Expander-cycle engines skip burning "
            "altogether: fuel warmed in the cooling channels around the nozzle "
            "expands and drives the turbine on its way to the chamber.",
            "Some small launchers have dropped the turbine entirely and spin "
            "their pumps with battery-powered electric motors, a trade that only "
            "makes sense at modest engine sizes.",
        ),
        "corrections": [],
    },
    {
        "slug": "space-station-cargo-ship-arrival",
        "headline": "A cargo ship's slow approach to the space station, step by step",
        "dek": "Catching up to an outpost moving at 17,500 mph takes days of "
        "planning and a careful final crawl.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor", "priya-ramanathan"],
        "tags": ["ISS", "Space station", "Cargo"],
        "hero": "cargo-approach",
        "published_at": ago(days=8, hours=6),
        "related": ["spot-the-space-station"],
        "body": html(
            "Supplies for the International Space Station arrive on uncrewed "
            "freighters that launch every few months, packed with food, water, "
            "spare parts and science experiments.",
            "## Catching up",
            "After launch, the cargo ship spends anything from a few hours to "
            "a couple of days raising its orbit in steps, timing each engine burn "
            "so it ends up just behind and below the station.",
            "The last part of the approach is deliberately slow. Flight "
            "controllers pause the ship at set points and check its sensors and "
            "thrusters before letting it enter a protected zone around the "
            "station. If anything looks wrong, the vehicle can back away on its "
            "own.",
            "## Docking or berthing",
            "Some freighters fly all the way in and dock by themselves. Others "
            "stop a short distance away and hold still while an astronaut grabs "
            "them with the station's robotic arm, which then fixes them to a "
            "free port.",
            "Once the hatch opens, the crew unloads the cargo and refills the "
            "ship with trash and finished experiments. Depending on the design, "
            "it either burns up in the atmosphere or returns to Earth under "
            "parachutes.",
        ),
        "corrections": [
            {
                "kind": "update",
                "text": "This story was updated to explain that some cargo ships "
                "dock on their own while others are captured by the station's "
                "robotic arm.",
                "after": timedelta(hours=7, minutes=30),
            }
        ],
    },
    {
        "slug": "why-webb-sees-in-infrared",
        "headline": "Why the James Webb Space Telescope sees the universe in infrared",
        "dek": "Dust, distance and cold: the three reasons the biggest space "
        "telescope works at wavelengths our eyes cannot see.",
        "section": "science-astronomy",
        "bylines": ["priya-ramanathan"],
        "tags": ["JWST", "James Webb Space Telescope", "Infrared astronomy", "NASA"],
        "hero": "webb-clouds",
        "published_at": ago(days=6, hours=2),
        "seo_title": "Why JWST observes in infrared light",
        "seo_description": "How infrared light lets the James Webb Space "
        "Telescope see through dust, look back to the first galaxies and study "
        "the air of distant planets.",
        "related": ["four-ways-to-find-an-exoplanet"],
        "body": html(
            "The James Webb Space Telescope launched on Dec. 25, 2021, and now "
            "works from a point in space about 1 million miles (1.5 million "
            "kilometers) from Earth, on the side facing away from the Sun. It "
            "was built to collect infrared light, for three main reasons.",
            "## Seeing through dust",
            "Stars and planets are born inside thick clouds of gas and dust that "
            "block visible light. Longer infrared wavelengths slip through much "
            "of that dust, so Webb can watch young stars that other telescopes "
            "only see as dark patches.",
            "## Looking back in time",
            "Light from the most distant galaxies has been traveling for most of "
            "the age of the universe, and the expansion of space has stretched it "
            "toward longer wavelengths on the way. Light those galaxies gave off "
            "as ultraviolet or visible light reaches us as infrared.",
            "## Staying cold",
            "A warm telescope glows in infrared and drowns out what it is trying "
            "to see. That is why Webb sits behind a sunshield the size of a tennis "
            "court, made of five thin layers, which keeps its mirror and "
            "instruments hundreds of degrees below freezing. The mirror itself is "
            "6.5 meters across, made of 18 gold-coated hexagonal segments.",
        ),
        "corrections": [],
    },
    {
        "slug": "perseid-meteor-shower-guide",
        "headline": "How to watch the Perseid meteor shower",
        "dek": "No telescope needed: find a dark spot, give your eyes time to "
        "adjust and look up after midnight.",
        "section": "skywatching",
        "bylines": ["hannah-lindqvist"],
        "tags": ["Meteor showers", "Perseids", "Skywatching"],
        "hero": "perseid-sky",
        "published_at": ago(days=4, hours=7),
        "related": ["spot-the-space-station", "earthshine-crescent-moon"],
        "body": html(
            "The Perseids are one of the most reliable meteor showers of the "
            "year. They run from mid-July to late August and peak around Aug. 12 "
            "and 13, when a dark, clear sky can show dozens of meteors an hour.",
            "## Where they come from",
            "Every year Earth passes through a trail of dust shed by Comet "
            "Swift-Tuttle. The grains, most no bigger than a grain of sand, hit "
            "our atmosphere at around 37 miles (59 kilometers) per second and "
            "burn up as bright streaks.",
            "## How to watch",
            "Get as far from city lights as you can, lie back on a blanket or "
            "reclining chair, and take in as much of the sky as possible. The "
            "meteors appear to fly out of the constellation Perseus, which climbs "
            "in the northeast during the night, but they can show up anywhere.",
            "Give your eyes at least 20 minutes to adapt to the dark and keep "
            "phone screens off or dimmed to red. The best rates usually come in "
            "the hours before dawn, when your side of Earth faces into the "
            "stream.",
        ),
        "corrections": [
            {
                "kind": "correction",
                "text": "An earlier version of this guide said the Perseids come "
                "from Halley's Comet. Their parent is Comet Swift-Tuttle; "
                "Halley's dust produces the Eta Aquariids in May and the Orionids "
                "in October.",
                "after": timedelta(hours=4, minutes=10),
            }
        ],
    },
    {
        "slug": "four-ways-to-find-an-exoplanet",
        "headline": "Four ways astronomers find planets around other stars",
        "dek": "Most known exoplanets have never been seen directly. Here is how "
        "astronomers know they are there.",
        "section": "science-astronomy",
        "bylines": ["priya-ramanathan", "mike-wall"],
        "tags": ["Exoplanets", "Astronomy", "TESS", "Kepler"],
        "hero": "exoplanet-art",
        "published_at": ago(days=3, hours=1),
        "related": ["why-webb-sees-in-infrared"],
        "body": html(
            "Astronomers have confirmed thousands of planets orbiting other stars "
            "since the mid-1990s, yet only a small fraction have ever been "
            "photographed. "
            "Almost all of the rest were found through their effect on the star "
            "they circle.",
            "## Transits",
            "When a planet passes in front of its star as seen from Earth, the "
            "star dims slightly for a few hours. Space telescopes such as Kepler "
            "and TESS found thousands of worlds this way by watching many stars "
            "at once for repeating dips.",
            "## Wobbles",
            "A planet's gravity tugs its star back and forth. Spectrographs can "
            "detect that motion as a tiny, regular shift in the color of the "
            "starlight, which also gives a minimum mass for the planet.",
            "## Pictures and lenses",
            "Direct imaging blocks the glare of a star to reveal faint planets "
            "far from it, and works best for young, hot giants. Gravitational "
            "microlensing catches planets when a star and its companions briefly "
            "magnify the light of a more distant star behind them.",
            "Each method favors different kinds of planets, so astronomers use "
            "them together to build a fuller census of the galaxy.",
        ),
        "corrections": [],
    },
    {
        "slug": "solar-and-lunar-eclipses-explained",
        "headline": "Solar and lunar eclipses: what's the difference, and how to "
        "watch safely",
        "dek": "One needs special glasses and the other does not. Here is why.",
        "section": "skywatching",
        "bylines": ["hannah-lindqvist", "priya-ramanathan"],
        "tags": ["Eclipses", "Solar eclipse", "Lunar eclipse", "Skywatching"],
        "hero": "eclipse-corona",
        "published_at": ago(days=2, hours=5),
        "related": ["earthshine-crescent-moon"],
        "body": html(
            "An eclipse happens when the Sun, Earth and Moon line up. Which "
            "body ends up in whose shadow decides what you see.",
            "## Solar eclipses",
            "In a solar eclipse the new Moon passes between Earth and the Sun "
            "and casts its shadow on us. Only people inside the narrow path of "
            "the darkest part of the shadow see a total eclipse, when the Sun's "
            "corona appears around the black disc of the Moon.",
            "Never look at the partly covered Sun without proper eclipse glasses "
            "or a solar filter meeting the ISO 12312-2 standard; ordinary "
            "sunglasses are not enough. Only during totality itself is it safe to "
            "look with the naked eye.",
            "## Lunar eclipses",
            "In a lunar eclipse the full Moon slides into Earth's shadow. It "
            "does not vanish: sunlight bent through our atmosphere turns it a "
            "coppery red. Lunar eclipses are completely safe to watch and can be "
            "seen from the whole night side of the planet.",
            "Eclipses do not happen every month because the Moon's orbit is "
            "tilted by about 5 degrees to Earth's, so the three bodies only line "
            "up closely enough during two eclipse seasons each year.",
        ),
        "corrections": [],
    },
    {
        "slug": "artemis-ii-what-it-will-test",
        "headline": "Artemis II: what the first crewed flight around the Moon in "
        "decades will test",
        "dek": "Four astronauts, one capsule and about ten days: a shakedown "
        "cruise before anyone tries to land.",
        "section": "news",
        "bylines": ["daniel-okafor", "mike-wall"],
        "tags": ["Artemis", "Artemis II", "Orion", "Moon", "NASA"],
        "hero": "moon-flyby",
        "published_at": ago(hours=31),
        "related": ["how-rocket-turbopumps-work"],
        "body": html(
            "Artemis II will send four astronauts around the Moon and back, the "
            "first time people have traveled that far from Earth since the end of "
            "the Apollo program in 1972. The crew of three NASA astronauts and one "
            "Canadian astronaut will ride the Orion capsule on top of the Space "
            "Launch System rocket.",
            "## A test flight with people on board",
            "The mission will not land. Its job is to prove that Orion's life "
            "support, navigation, communications and heat shield work with a crew "
            "aboard, on a trajectory that swings around the far side of the Moon "
            "and uses its gravity to head home.",
            "Early in the flight the astronauts will also practice flying Orion "
            "by hand near the rocket's spent upper stage, rehearsing skills that "
            "later missions will need for docking.",
            "## What comes next",
            "What the crew and engineers learn will shape Artemis III, which is "
            "meant to put astronauts on the surface near the Moon's south pole.",
        ),
        "corrections": [],
    },
    {
        "slug": "satellite-constellations-and-astronomy",
        "headline": "Why satellite megaconstellations worry astronomers",
        "dek": "Thousands of new satellites bring internet to remote places, and "
        "streaks to telescope images.",
        "section": "tech",
        "bylines": ["marcus-bell", "priya-ramanathan"],
        "tags": ["Satellites", "Megaconstellations", "Astronomy", "Dark skies"],
        "hero": "satellite-trails",
        "published_at": ago(hours=19),
        "seo_title": "Satellite constellations and the night sky: the astronomy "
        "problem",
        "seo_description": "Why large satellite constellations leave streaks in "
        "telescope images and radio noise, and what operators and observatories "
        "are doing about it.",
        "related": ["spot-the-space-station"],
        "body": html(
            "Large constellations of communications satellites in low Earth orbit "
            "have multiplied the number of active spacecraft in just a few years. "
            "For astronomers, that brings a new kind of light pollution.",
            "## Streaks in the data",
            "Satellites shine by reflecting sunlight, especially in the hours "
            "after sunset and before sunrise. A single bright pass can leave a "
            "line across a long exposure, and wide-field survey telescopes, which "
            "photograph large patches of sky again and again, catch many of them.",
            "Radio astronomers face a related problem: the satellites' own "
            "transmissions can spill into bands used to study the faint radio "
            "glow of the cosmos.",
            "## Working on fixes",
            "Some operators have tried darker coatings, sunshades and changes to "
            "how satellites are oriented, with mixed results. Observatories are "
            "writing software to spot and remove trails, and astronomers have "
            "pushed for brightness limits to be considered when new constellations "
            "are licensed.",
        ),
        "corrections": [],
    },
    {
        "slug": "spot-the-space-station",
        "headline": "How to spot the International Space Station from your backyard",
        "dek": "It is the third-brightest object in the night sky, if you know "
        "when to look.",
        "section": "skywatching",
        "bylines": ["hannah-lindqvist"],
        "tags": ["ISS", "Space station", "Skywatching"],
        "hero": "station-pass",
        "published_at": ago(hours=7),
        "related": ["perseid-meteor-shower-guide", "space-station-cargo-ship-arrival"],
        "body": html(
            "The International Space Station circles Earth about every 90 "
            "minutes, roughly 250 miles (400 kilometers) up. After the Moon and "
            "Venus it can be the brightest thing in the night sky, and you do "
            "not need any equipment to see it.",
            "## When to look",
            "The station is visible when it is still in sunlight but you are in "
            "darkness, which means the hour or two after sunset or before "
            "sunrise. Free pass-prediction services, including NASA's own, will "
            "tell you when it will rise, where to look and how high it will get.",
            "## What you will see",
            "Look for a bright, steady point of light gliding across the sky. "
            "Unlike an airplane it does not blink, and a good pass lasts several "
            "minutes before the station slips into Earth's shadow and fades out, "
            "sometimes well before it reaches the horizon.",
        ),
        "corrections": [],
    },
    {
        "slug": "earthshine-crescent-moon",
        "headline": "Earthshine: why a thin crescent Moon shows its dark side",
        "dek": "That ghostly gray disc is sunlight that has bounced off Earth first.",
        "section": "skywatching",
        "bylines": ["hannah-lindqvist"],
        "tags": ["Moon", "Earthshine", "Skywatching"],
        "hero": "crescent-moon",
        "published_at": ago(hours=2),
        "related": ["solar-and-lunar-eclipses-explained"],
        "body": html(
            "In the evenings just after new Moon, a slim crescent sets in the "
            "west soon after the Sun. Look closely and you can often see the "
            "rest of the Moon's face glowing a soft gray.",
            "That glow is earthshine. Sunlight reflects off Earth's clouds, oceans "
            "and ice, lights up the part of the Moon that the Sun is not shining "
            "on, and reflects back to us again. Leonardo da Vinci worked out the "
            "explanation in the early 1500s.",
            "## Tips for seeing it",
            "Earthshine is strongest when the crescent is thin, within a few days "
            "of new Moon, and easiest to see in a sky that is dark but not yet "
            "fully black. Binoculars make it stand out, and a camera on a tripod "
            "with a few seconds' exposure will capture it easily.",
        ),
        "corrections": [],
    },
    {
        "slug": DRAFT_SLUG,
        "headline": "Which comets could brighten next year's sky",
        "dek": "A look at the comets due near the Sun, and how far to trust "
        "brightness forecasts.",
        "section": "skywatching",
        "bylines": ["hannah-lindqvist"],
        "tags": ["Comets", "Skywatching"],
        "hero": None,
        "status": "draft",
        "published_at": None,
        "related": [],
        "body": html(
            "Comets are famously hard to predict: some flare up far beyond "
            "expectations, others fade or break apart as they near the Sun.",
            "Waiting on updated orbit and brightness estimates before this goes "
            "out. Add the finder charts when they are ready.",
        ),
        "corrections": [],
    },
    # On the writers' desk (workflow/desk.py): Daniel Okafor's story an editor
    # sent back, and one waiting for review. Their steps (`DESK_STEPS`) are
    # dated from the moment the demo is loaded, so the desk shows hours, not
    # years, of waiting.
    {
        "slug": "starship-pad-rebuild",
        "headline": "Starbase rebuilds its launch pad after the last flight",
        "dek": "Crews are replacing the flame trench plates that the last launch "
        "tore up.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["Starship", "SpaceX"],
        "hero": None,
        "status": "changes_requested",
        "published_at": None,
        "related": [],
        "body": html(
            "Work crews at the Texas launch site spent the week cutting out the "
            "steel plates under the pad.",
            "The company has not said when the next flight will be.",
        ),
        "corrections": [],
    },
    {
        "slug": "meteor-shower-weekend",
        "headline": "How to watch this weekend's meteor shower",
        "dek": "Find a dark spot, give your eyes twenty minutes, and look away "
        "from the Moon.",
        "section": "skywatching",
        "bylines": ["daniel-okafor"],
        "tags": ["Meteors", "Skywatching"],
        "hero": None,
        "status": "in_review",
        "published_at": None,
        "related": [],
        "body": html(
            "The shower peaks before dawn on Sunday, when its radiant is highest.",
            "Under a dark sky, expect a few dozen meteors an hour at best.",
        ),
        "corrections": [],
    },
]

# The gallery built through the workflow (created as a draft by the editor,
# submitted, approved and published by `services.transition`, so its audit
# trail is real): each picture keeps its library caption and credit unless a
# caption is given here for the gallery.
GALLERY = {
    "slug": "perseverance-landing-pictures",
    "title": "Perseverance's landing, in pictures",
    "description": "The dust of the sky crane's crash and the old river delta "
    "Perseverance was sent to read, with our illustrations of the Ingenuity "
    "helicopter and the sample tubes.",
    "items": [
        ("hazcam-plume", ""),
        ("jezero-cliffs", ""),
        ("ingenuity-hover", ""),
        ("sample-tubes", ""),
    ],
}

# Workflow steps of the desk's stories: (slug, action, from, to, who, hours
# before loading, comment), oldest first. Written once: a reload keeps them.
DESK_STEPS = [
    ("starship-pad-rebuild", "submit", "draft", "in_review", "writer", 26, ""),
    (
        "starship-pad-rebuild",
        "request_changes",
        "in_review",
        "changes_requested",
        "editor",
        5,
        "Please get SpaceX's own words on the next flight date, or say that "
        "they did not answer, and add the FAA's part in it.",
    ),
    ("meteor-shower-weekend", "submit", "draft", "in_review", "writer", 3.4, ""),
]

# The space desk's entities (space app), linked to the Perseverance stories.
# Identifiers only where we are sure of them: Mars is Q111 and Earth Q2 on
# Wikidata, and the Perseverance rover is COSPAR 2020-052A, NORAD 45983. The
# other identifiers (Wikidata, COSPAR and NORAD of the orbiter, Launch Library
# 2) are left blank rather than guessed.
#
# HiRISE is a camera on the Mars Reconnaissance Orbiter, not a spacecraft: it
# has no orbit, designator or hub of its own to give, so it is named in the
# orbiter's description. The orbiter is a mission (its hub is listed on Mars's,
# as the world it went to) flown by one spacecraft of the same name (the hub
# with its instruments), as Mars 2020 is flown by Perseverance.
SPACE_BODIES = [
    {"slug": "mars", "name": "Mars", "wikidata_id": "Q111",
     "description": "The fourth planet from the Sun."},
    {"slug": "earth", "name": "Earth", "wikidata_id": "Q2",
     "description": "The third planet from the Sun, where every launch so far "
                    "has lifted off."},
]  # fmt: skip
SPACE_PLACES = [
    {"slug": "jezero-crater", "name": "Jezero Crater", "body": "mars",
     "description": "An ancient lake bed on Mars where Perseverance landed "
                    "on 18 February 2021."},
    {"slug": "space-launch-complex-41", "name": "Space Launch Complex 41",
     "body": "earth",
     "description": "The Atlas V's launch pad at Cape Canaveral, Florida."},
]  # fmt: skip
SPACE_PROVIDERS = [
    {"slug": "united-launch-alliance", "name": "United Launch Alliance",
     "description": "The joint venture of Boeing and Lockheed Martin that "
                    "flies the Atlas V and Vulcan rockets."},
]  # fmt: skip
SPACE_VEHICLES = [
    {"slug": "atlas-v-541", "name": "Atlas V 541",
     "provider": "united-launch-alliance",
     "description": "The Atlas V with a five-meter fairing, four solid rocket "
                    "boosters and a single-engine Centaur upper stage."},
]  # fmt: skip
SPACE_LAUNCHES = [
    {"slug": "atlas-v-541-mars-2020", "name": "Atlas V 541 | Mars 2020",
     "net": at(2020, 7, 30, 7, 50), "status": "success",  # 11:50 UTC
     "vehicle": "atlas-v-541", "provider": "united-launch-alliance",
     "pad": "space-launch-complex-41",
     "description": "The launch of NASA's Mars 2020 mission, with the "
                    "Perseverance rover and the Ingenuity helicopter, from "
                    "Cape Canaveral."},
]  # fmt: skip
SPACE_MISSIONS = [
    {"slug": "mars-2020", "name": "Mars 2020", "target": "mars",
     "launch": "atlas-v-541-mars-2020",
     "description": "NASA's mission that landed the Perseverance rover and the "
                    "Ingenuity helicopter in Jezero Crater."},
    {"slug": "mars-reconnaissance-orbiter", "name": "Mars Reconnaissance Orbiter",
     "target": "mars", "launch": None,
     "description": "NASA's orbiter mission studying Mars from above since "
                    "2006 and relaying the rovers' data to Earth."},
]  # fmt: skip
# A mission's milestones, by mission and kind (one of each): Perseverance
# touched down in Jezero Crater at 20:55 UTC on 18 February 2021 (NASA JPL's
# landing announcement; 15:55 in New York).
SPACE_MILESTONES = [
    {"mission": "mars-2020", "kind": "landing", "at": at(2021, 2, 18, 15, 55),
     "precision": "minute", "place": "jezero-crater"},
]  # fmt: skip
SPACE_SPACECRAFT = [
    {"slug": "perseverance", "name": "Perseverance", "mission": "mars-2020",
     "cospar_id": "2020-052A", "norad_id": 45983,
     "description": "The Mars 2020 rover, collecting samples in Jezero Crater."},
    {"slug": "mars-reconnaissance-orbiter", "name": "Mars Reconnaissance Orbiter",
     "mission": "mars-reconnaissance-orbiter",
     "description": "NASA's orbiter at Mars. Its HiRISE camera photographed "
                    "Perseverance coming down under its parachute, and the "
                    "landing hardware on the crater floor the day after."},
]  # fmt: skip
# story slug -> (kind, entity slug) it is about
SPACE_LINKS = {
    SKY_CRANE_SLUG: [
        ("spacecraft", "perseverance"),
        ("place", "jezero-crater"),
        # Its "Watched from orbit" part: HiRISE's pictures.
        ("spacecraft", "mars-reconnaissance-orbiter"),
    ],
    "perseverance-sample-depot": [
        ("spacecraft", "perseverance"),
        ("place", "jezero-crater"),
    ],
}


# --- Launch day (issue 16) ------------------------------------------------------

# An upcoming launch, dated from the hour the demo is loaded: first set for
# `first_net` after it, then moved by an editor to `net` (one time change, as
# launches slip). Created once; a rerun leaves it, its time changes and its
# bundle as an editor may have left them. No Launch Library 2 id: it is the
# demo's own.
UPCOMING_PLACE = {
    "slug": "space-launch-complex-40",
    "name": "Space Launch Complex 40",
    "body": "earth",
    "description": "SpaceX's Falcon 9 pad at Cape Canaveral, Florida.",
}
UPCOMING_PROVIDER = {
    "slug": "spacex",
    "name": "SpaceX",
    "description": "The company that builds and flies the Falcon 9 and the "
    "Dragon capsules.",
}
UPCOMING_VEHICLE = {
    "slug": "falcon-9",
    "name": "Falcon 9",
    "provider": "spacex",
    "description": "SpaceX's two-stage rocket, whose first stage flies back "
    "to land and flies again.",
}
UPCOMING_LAUNCH = {
    "slug": "falcon-9-cargo-dragon",
    "name": "Falcon 9 | Cargo Dragon to the space station",
    "vehicle": "falcon-9",
    "provider": "spacex",
    "pad": "space-launch-complex-40",
    "description": "A Falcon 9 sends a Cargo Dragon with food, spare parts and "
    "experiments to the International Space Station.",
    "first_net": timedelta(days=2, hours=5, minutes=2),
    "net": timedelta(days=3, hours=4, minutes=31),
    "window": timedelta(minutes=10),
    "status": "go",
    "moved_because": "Weather at the Cape: the launch team took the next day's window.",
}
# The launch's story bundle: the preview and the live coverage scheduled from
# its time (an offset), the two outcome versions written ahead. Each goes
# through the workflow (submitted by the writer, approved and, for the offset
# ones, scheduled by the editor), so it has its audit trail.
BUNDLE_STORIES = [
    {
        "slug": "cargo-dragon-preview",
        "headline": "What the next Cargo Dragon is carrying to the space station",
        "dek": "Fresh food, spare parts and a rack of experiments ride on a "
        "Falcon 9 from Cape Canaveral; here is when to watch.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["SpaceX", "Dragon", "International Space Station"],
        "hero": "cargo-approach",
        "body": html(
            "A Cargo Dragon is due to leave Cape Canaveral on a Falcon 9 with "
            "supplies for the crew of the International Space Station.",
            "The capsule takes about a day to catch up with the station, then "
            "climbs towards it from below and docks on its own while the crew "
            "watch. It stays about a month before it comes home under "
            "parachutes with finished experiments.",
            "## When to watch",
            "The launch time follows the station's orbit, so a delay of a day "
            "moves it by about half an hour. Our live coverage opens two hours "
            "before lift-off.",
        ),
        "bundle": {"offset": timedelta(hours=-24)},
    },
    {
        "slug": "live-cargo-dragon-launch",
        "headline": "Live: Falcon 9 launches a Cargo Dragon to the space station",
        "dek": "Follow the countdown, the launch and the booster's landing as "
        "they happen.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["SpaceX", "Dragon", "International Space Station", "Live"],
        "hero": "booster-launch",
        "body": html(
            "Our coverage of the Cargo Dragon launch from Cape Canaveral, with "
            "the newest entries first.",
        ),
        "live": True,
        "bundle": {"offset": timedelta(hours=-2)},
    },
    {
        "slug": "cargo-dragon-launches",
        "headline": "Cargo Dragon is on its way to the space station",
        "dek": "The Falcon 9 lifted off on time and its first stage landed "
        "back at the Cape.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["SpaceX", "Dragon", "International Space Station"],
        "hero": "booster-launch",
        "body": html(
            "A Falcon 9 launched a Cargo Dragon towards the International Space "
            "Station from Cape Canaveral, and the capsule separated from the "
            "upper stage about twelve minutes later.",
            "The rocket's first stage flew itself back and touched down near "
            "the pad. Dragon is due to dock about a day from now.",
        ),
        "bundle": {"outcome": "success"},
    },
    {
        "slug": "cargo-dragon-launch-scrubbed",
        "headline": "Cargo Dragon launch called off for the day",
        "dek": "The launch team stood down before lift-off; the next chance "
        "comes about a day later.",
        "section": "spaceflight",
        "bylines": ["daniel-okafor"],
        "tags": ["SpaceX", "Dragon", "International Space Station"],
        "hero": "cargo-approach",
        "body": html(
            "SpaceX stood down from today's attempt to launch a Cargo Dragon to "
            "the International Space Station.",
            "The capsule and its cargo stay on the rocket, and the team will "
            "try again in the next window, about a day later.",
        ),
        "bundle": {"outcome": "failure"},
    },
]

# A finished live story: the landing day in Jezero Crater, told entry by entry.
LANDING_LIVE = {
    "slug": "live-perseverance-lands-on-mars",
    "headline": "Live: Perseverance lands on Mars",
    "dek": "Entry, descent and landing in Jezero Crater, as the signals reached Earth.",
    "section": "spaceflight",
    "bylines": ["mike-wall"],
    "tags": ["Mars", "Perseverance", "NASA", "Mars 2020", "Live"],
    # The landing day's own picture; the crater's cliffs come in an entry.
    "hero": "hazcam-plume",
    "published_at": at(2021, 2, 18, 14, 0),
    "coverage_end": at(2021, 2, 18, 17, 0),
    "body": html(
        "Our coverage of the Mars 2020 landing day, newest entries first. "
        "Times are Eastern.",
    ),
    # (posted at, text, picture key or "", pinned)
    "entries": [
        (
            at(2021, 2, 18, 14, 5),
            "We are following the landing from here. Perseverance is due at the "
            "top of the Martian atmosphere a little before 3:50 p.m.",
            "",
            False,
        ),
        (
            at(2021, 2, 18, 15, 48),
            "The spacecraft has reached the atmosphere. From now on it flies "
            "itself: a signal needs more than eleven minutes to cross to Earth.",
            "",
            False,
        ),
        (
            at(2021, 2, 18, 15, 55),
            "Touchdown confirmed. Perseverance is standing on the floor of "
            "Jezero Crater.",
            "",
            True,
        ),
        (
            at(2021, 2, 18, 16, 10),
            "The crater's ancient river delta, the rover's target, lies a short "
            "drive away: layered rock like this, laid down in a lake.",
            "jezero-cliffs",
            False,
        ),
    ],
}
# story slug -> (kind, entity slug), for the stories above
LAUNCH_DAY_LINKS = {
    **{spec["slug"]: [("launch", "falcon-9-cargo-dragon")] for spec in BUNDLE_STORIES},
    "live-perseverance-lands-on-mars": [
        ("spacecraft", "perseverance"),
        ("place", "jezero-crater"),
    ],
}
