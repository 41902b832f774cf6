"""The space desk's entities: missions, spacecraft, launches, launch vehicles
and providers, places and celestial bodies, each with a topic hub page, and
the stories linked to them.

Identifiers other systems use (Wikidata, COSPAR, NORAD, Launch Library 2) are
optional, checked by their format in the form and in the database, and
entered only from a reliable source: a blank is better than a guess.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

WIKIDATA_RE = r"^Q[1-9][0-9]*$"
COSPAR_RE = r"^[0-9]{4}-[0-9]{3}[A-Z]{1,3}$"

wikidata_validator = RegexValidator(
    WIKIDATA_RE,
    "A Wikidata id is Q followed by digits, as in Q111 (Mars). "
    "Copy it from the item's Wikidata page, or leave it blank.",
)
cospar_validator = RegexValidator(
    COSPAR_RE,
    "A COSPAR designator is the launch year, a dash, the launch number in three "
    "digits and one to three capital letters, as in 2020-052A. Leave it blank "
    "if you have no reliable source.",
)


class Entity(models.Model):
    """What every entity has: a name, a slug for its hub's address, a short
    description and its Wikidata id."""

    # The hub's address: /space/<kind>/<slug>/ (space/urls.py).
    kind = ""

    name = models.CharField("name", max_length=200)
    slug = models.SlugField(
        "slug",
        max_length=200,
        help_text="The last part of the hub page's address; unique for this kind.",
    )
    description = models.TextField(
        "description",
        blank=True,
        help_text="One or two plain sentences for the top of the hub page.",
    )
    wikidata_id = models.CharField(
        "Wikidata id",
        max_length=20,
        blank=True,
        validators=[wikidata_validator],
        help_text="As in Q111 for Mars, from the item's Wikidata page. "
        "Leave blank unless you are sure.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("space:hub", args=[self.kind, self.slug])

    @property
    def wikidata_url(self) -> str:
        return (
            f"https://www.wikidata.org/wiki/{self.wikidata_id}"
            if self.wikidata_id
            else ""
        )

    def story_q(self) -> Q:
        """Stories about it and about what belongs to it (a mission's
        spacecraft, a world's places): a filter on articles.Article."""
        return Q(**{self._meta.get_field("stories").related_query_name(): self})

    def related_groups(self) -> list[tuple[str, list]]:
        """(heading, entities) its hub lists as related, non-empty ones only;
        each group one query at most."""
        return []

    def launches_q(self) -> Q | None:
        """Its launches, for the hub's upcoming ones; None if it has none."""
        return None

    def milestones_q(self) -> Q | None:
        """Its missions' milestones (a landing, an orbit insertion), for the
        hub's upcoming events and key facts: a filter on Milestone; None if
        it has none."""
        return None

    def facts(self) -> list[tuple[str, str, str]]:
        """(label, value, link) for the hub's key facts."""
        return (
            [("Wikidata", self.wikidata_id, self.wikidata_url)]
            if self.wikidata_id
            else []
        )

    @classmethod
    def entity_constraints(cls, name: str) -> list:
        return [
            models.UniqueConstraint(fields=["slug"], name=f"space_{name}_slug_unique"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_RE),
                name=f"space_{name}_wikidata_format",
            ),
        ]


def story_links(related_name: str):
    return models.ManyToManyField(
        "articles.Article",
        related_name=related_name,
        blank=True,
        verbose_name="stories",
        help_text="Stories about this; they show on its hub once public.",
    )


class CelestialBody(Entity):
    kind = "body"
    stories = story_links("space_bodies")

    class Meta(Entity.Meta):
        verbose_name = "celestial body"
        verbose_name_plural = "celestial bodies"
        constraints = Entity.entity_constraints("celestialbody")

    def story_q(self):
        # Its places, the missions going to it and those missions' spacecraft.
        return (
            super().story_q()
            | Q(space_places__body=self)
            | Q(space_missions__target=self)
            | Q(space_spacecraft__mission__target=self)
        )

    def milestones_q(self):
        # What missions to it do there, and what happens at its places.
        return Q(mission__target=self) | Q(place__body=self)

    def related_groups(self):
        return [
            (heading, items)
            for heading, items in (
                ("Places", list(self.places.all())),
                ("Missions", list(self.missions.all())),
            )
            if items
        ]


class Place(Entity):
    kind = "place"
    body = models.ForeignKey(
        CelestialBody,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name="on",
        help_text="The world it is on: Earth for a launch pad, Mars for Jezero Crater.",
    )
    stories = story_links("space_places")

    class Meta(Entity.Meta):
        verbose_name = "place"
        verbose_name_plural = "places"
        constraints = Entity.entity_constraints("place")

    def related_groups(self):
        return [("On", [self.body])]

    def launches_q(self):
        return Q(pad=self)

    def milestones_q(self):
        return Q(place=self)


class LaunchProvider(Entity):
    kind = "provider"
    stories = story_links("space_providers")

    class Meta(Entity.Meta):
        verbose_name = "launch provider"
        verbose_name_plural = "launch providers"
        constraints = Entity.entity_constraints("launchprovider")

    def story_q(self):
        return super().story_q() | Q(space_vehicles__provider=self)

    def related_groups(self):
        vehicles = list(self.vehicles.all())
        return [("Launch vehicles", vehicles)] if vehicles else []

    def launches_q(self):
        return Q(provider=self) | Q(vehicle__provider=self)


class LaunchVehicle(Entity):
    kind = "vehicle"
    provider = models.ForeignKey(
        LaunchProvider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name="built or flown by",
    )
    stories = story_links("space_vehicles")

    class Meta(Entity.Meta):
        verbose_name = "launch vehicle"
        verbose_name_plural = "launch vehicles"
        constraints = Entity.entity_constraints("launchvehicle")

    def related_groups(self):
        return [("Built or flown by", [self.provider])] if self.provider else []

    def launches_q(self):
        return Q(vehicle=self)


class Mission(Entity):
    kind = "mission"
    target = models.ForeignKey(
        CelestialBody,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name="target",
        help_text="The world the mission goes to, if any.",
    )
    # A launch's mission is this link read backwards (launch.missions): one
    # fact kept in one place.
    launch = models.ForeignKey(
        "Launch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name="launch",
        help_text="The launch it flew on.",
    )
    stories = story_links("space_missions")

    class Meta(Entity.Meta):
        verbose_name = "mission"
        verbose_name_plural = "missions"
        constraints = Entity.entity_constraints("mission")

    def story_q(self):
        return super().story_q() | Q(space_spacecraft__mission=self)

    def related_groups(self):
        groups = [("Spacecraft", list(self.spacecraft.all()))]
        groups += [("Target", [self.target])] if self.target else []
        groups += [("Launch", [self.launch])] if self.launch else []
        return [(heading, items) for heading, items in groups if items]

    def launches_q(self):
        return Q(missions=self)

    def milestones_q(self):
        return Q(mission=self)


class LaunchQuerySet(models.QuerySet):
    def upcoming(self, now):
        """Launches whose no-earlier-than time is still ahead of `now` and
        that have no outcome yet (one set early, by hand, means it flew)."""
        return (
            self.filter(net__gt=now)
            .exclude(status__in=Launch.OUTCOMES)
            .order_by("net", "id")
        )


class Launch(Entity):
    kind = "launch"

    class Status(models.TextChoices):
        GO = "go", "Go"
        TBD = "tbd", "TBD"
        TBC = "tbc", "To Be Confirmed"
        HOLD = "hold", "Hold"
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"
        PARTIAL_FAILURE = "partial_failure", "Partial Failure"

    # The statuses that say how it went: becoming one sends
    # space.signals.launch_outcome (space.launches.update_launch).
    OUTCOMES = frozenset({Status.SUCCESS, Status.FAILURE, Status.PARTIAL_FAILURE})

    net = models.DateTimeField(
        "no earlier than",
        help_text="The earliest time the launch may happen (NET).",
    )
    window_start = models.DateTimeField("window opens", null=True, blank=True)
    window_end = models.DateTimeField("window closes", null=True, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.TBD
    )
    vehicle = models.ForeignKey(
        LaunchVehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="launches",
        verbose_name="launch vehicle",
    )
    provider = models.ForeignKey(
        LaunchProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="launches",
        verbose_name="launch provider",
    )
    pad = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="launches",
        verbose_name="pad",
    )
    ll2_id = models.UUIDField(
        "Launch Library 2 id",
        null=True,
        blank=True,
        help_text="The launch's UUID in Launch Library 2 "
        "(thespacedevs.com), as in f33d5ece-e825-4cd8-809f-1d4c72a2e0d3.",
    )
    stories = story_links("space_launches")
    objects = LaunchQuerySet.as_manager()

    class Meta(Entity.Meta):
        ordering = ["-net", "name"]
        verbose_name = "launch"
        verbose_name_plural = "launches"
        constraints = [
            *Entity.entity_constraints("launch"),
            models.UniqueConstraint(
                fields=["ll2_id"], name="space_launch_ll2_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_start__lte=models.F("window_end")),
                name="space_launch_window_in_order",
                violation_error_message="The window must close after it opens.",
            ),
        ]

    def story_q(self):
        return super().story_q() | Q(space_missions__launch=self)

    def related_groups(self):
        groups = [("Missions", list(self.missions.all()))]
        groups += [("Launch vehicle", [self.vehicle])] if self.vehicle else []
        groups += [("Launch provider", [self.provider])] if self.provider else []
        groups += [("Pad", [self.pad])] if self.pad else []
        return [(heading, items) for heading, items in groups if items]

    def facts(self):
        # Its status, time and window have their own section on the hub
        # (space/jinja2/space/hub.html, "When").
        facts = []
        if self.ll2_id:
            facts.append(
                (
                    "Launch Library 2",
                    str(self.ll2_id),
                    f"https://ll.thespacedevs.com/2.2.0/launch/{self.ll2_id}/",
                )
            )
        return facts + super().facts()


class SlipSource(models.TextChoices):
    IMPORT = "import", "Launch Library 2 import"
    HAND = "hand", "By hand"


class Slip(models.Model):
    """One change of a launch's no-earlier-than time, and when the newsroom
    noticed it: written by space.launches.update_launch only, whoever changed
    the time (the Launch Library 2 import or an editor)."""

    Source = SlipSource

    launch = models.ForeignKey(
        Launch, on_delete=models.CASCADE, related_name="slips", verbose_name="launch"
    )
    from_net = models.DateTimeField("moved from")
    to_net = models.DateTimeField("moved to")
    noticed_at = models.DateTimeField(
        "noticed", help_text="When the newsroom learnt of the change."
    )
    source = models.CharField("changed by", max_length=10, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="editor",
        help_text="The editor who changed it by hand; blank for the import.",
    )

    class Meta:
        ordering = ["-noticed_at", "-id"]
        verbose_name = "time change"
        verbose_name_plural = "time changes"
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_net=models.F("to_net")),
                name="space_slip_moves",
                violation_error_message="A time change moves the time.",
            ),
            models.CheckConstraint(
                condition=Q(source__in=SlipSource.values),
                name="space_slip_source_known",
            ),
        ]
        indexes = [models.Index(fields=["launch", "-noticed_at"])]

    def __str__(self):
        return f"{self.from_net:%Y-%m-%d %H:%M} to {self.to_net:%Y-%m-%d %H:%M} UTC"


class Spacecraft(Entity):
    kind = "spacecraft"
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spacecraft",
        verbose_name="mission",
    )
    cospar_id = models.CharField(
        "COSPAR designator",
        max_length=12,
        blank=True,
        validators=[cospar_validator],
        help_text="The international designator, as in 2020-052A for Perseverance.",
    )
    norad_id = models.PositiveIntegerField(
        "NORAD id",
        null=True,
        blank=True,
        help_text="The satellite catalogue number, as in 45983. Leave blank if "
        "it has none or you are not sure.",
    )
    stories = story_links("space_spacecraft")

    class Meta(Entity.Meta):
        verbose_name = "spacecraft"
        verbose_name_plural = "spacecraft"
        constraints = [
            *Entity.entity_constraints("spacecraft"),
            models.CheckConstraint(
                condition=Q(cospar_id="") | Q(cospar_id__regex=COSPAR_RE),
                name="space_spacecraft_cospar_format",
            ),
            models.CheckConstraint(
                condition=Q(norad_id__isnull=True) | Q(norad_id__gt=0),
                name="space_spacecraft_norad_positive",
            ),
        ]

    def related_groups(self):
        return [("Mission", [self.mission])] if self.mission else []

    def milestones_q(self):
        # Its mission's: Perseverance landed when Mars 2020 did.
        return Q(mission_id=self.mission_id) if self.mission_id else None

    def facts(self):
        facts = []
        if self.cospar_id:
            facts.append(
                (
                    "COSPAR designator",
                    self.cospar_id,
                    f"https://nssdc.gsfc.nasa.gov/nmc/spacecraft/display.action?id={self.cospar_id}",
                )
            )
        if self.norad_id:
            facts.append(("NORAD id", str(self.norad_id), ""))
        return facts + super().facts()


class MilestoneQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(at__gt=now).order_by("at", "pk")

    def past(self, now):
        """Newest first: the key facts read from the latest."""
        return self.filter(at__lte=now).order_by("-at", "-pk")


class Milestone(models.Model):
    """A moment of a mission after its launch that readers wait for: a
    landing, an orbit insertion, a flyby. Upcoming, it is one of the hubs'
    upcoming events; past, one of their key facts ("Landed 18 February 2021
    at Jezero Crater")."""

    class Kind(models.TextChoices):
        LANDING = "landing", "Landing"
        ORBIT_INSERTION = "orbit_insertion", "Orbit insertion"
        FLYBY = "flyby", "Flyby"
        ARRIVAL = "arrival", "Arrival"
        SAMPLE_RETURN = "sample_return", "Sample return"
        END = "end", "End of mission"
        OTHER = "other", "Other (name it)"

    class Precision(models.TextChoices):
        MINUTE = "minute", "To the minute"
        DAY = "day", "The day only"
        MONTH = "month", "The month only"
        YEAR = "year", "The year only"

    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name="mission",
    )
    kind = models.CharField(
        "what", max_length=20, choices=Kind.choices, default=Kind.LANDING
    )
    name = models.CharField(
        "name",
        max_length=100,
        blank=True,
        help_text="For “Other”, what readers call it, as in “First flight of "
        "Ingenuity”; otherwise blank.",
    )
    at = models.DateTimeField(
        "when",
        help_text="Planned (upcoming) or as it happened (past). For a time "
        "known only to the day, month or year, say so under precision.",
    )
    precision = models.CharField(
        "precision",
        max_length=10,
        choices=Precision.choices,
        default=Precision.MINUTE,
        help_text="How much of the time is known: the hub shows no more.",
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name="where",
        help_text="Where it happens, if at a place, as in Jezero Crater.",
    )
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "milestone"
        verbose_name_plural = "milestones"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(name=""),
                name="space_milestone_other_named",
                violation_error_message="Name a milestone of the kind “Other”.",
            ),
        ]
        indexes = [models.Index(fields=["mission", "at"])]

    def __str__(self):
        return f"{self.mission}: {self.title}"

    @property
    def title(self) -> str:
        """ "Landing", or the name given to an "Other"."""
        return self.name or self.get_kind_display()

    # What happened, for the key facts: "Landed 18 February 2021 ...".
    PAST = {
        Kind.LANDING: "Landed",
        Kind.ORBIT_INSERTION: "Entered orbit",
        Kind.FLYBY: "Flew by",
        Kind.ARRIVAL: "Arrived",
        Kind.SAMPLE_RETURN: "Samples returned",
        Kind.END: "Mission ended",
    }

    def reduced_iso(self) -> str | None:
        """Its time to its precision as ISO 8601's reduced forms ("2027-02-18",
        "2027-02", "2027"), in the newsroom's zone where the editor gave it;
        None when it is known to the minute. For <time datetime> and the
        JSON-LD, which then claim no more than is known."""
        local = timezone.localtime(self.at)
        return {
            self.Precision.DAY: local.date().isoformat(),
            self.Precision.MONTH: f"{local:%Y-%m}",
            self.Precision.YEAR: f"{local:%Y}",
        }.get(self.precision)

    @property
    def past_title(self) -> str:
        return self.name or self.PAST.get(self.kind, self.get_kind_display())


# kind in the hub's address -> model; every page, link and test reads this.
KINDS: dict[str, type[Entity]] = {
    m.kind: m
    for m in (
        Mission,
        Spacecraft,
        Launch,
        LaunchVehicle,
        LaunchProvider,
        Place,
        CelestialBody,
    )  # fmt: skip
}
