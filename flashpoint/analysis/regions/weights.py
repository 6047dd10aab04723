"""Every number the region tagger weighs readings with, in one table.

The tagger scores each reading of a name (:mod:`.scoring`), accepts the best one that clears its
evidence check, then ranks countries by weighted mentions (:mod:`.summary`). The numbers below
were set by reasoning about the kinds of error (a town against a country of the same name, a
first name against a province), never searched on an evaluation set; docs/quality.md records how
the figures moved as rules were added. Change one, and re-run ``flashpoint eval regions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _frozen(values: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(values)


@dataclass(frozen=True, slots=True)
class RegionWeights:
    """Scores and thresholds of :mod:`flashpoint.analysis.regions`; one instance per tagger."""

    # Base score of a reading by kind. A country name is worth more than any town of the same
    # name ("Mexico" vs Mexico, Missouri), a province more than most towns ("California" vs
    # California, Maryland); a demonym is nearly as sure as its country.
    kind_base: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "continent": 10.0,
                "country": 10.0,
                "demonym": 8.0,
                "capital": 4.0,
                "place": 4.0,
                "subdivision": 6.0,
                "city": 1.0,
            }
        )
    )
    # Base score of a kind not in the table (a hand-added kind the table has not caught up with).
    kind_base_default: float = 2.0
    # A town's size speaks for it: + log10(population + 10) / this. A city of a million gains 4,
    # a village of a thousand 2: enough to beat a namesake village, never a country.
    population_log_divisor: float = 1.5
    # A subdivision with population 0 is a second-level unit (a department, a council area): it
    # loses against a first-level one of the same name.
    second_level_penalty: float = 1.5
    # The story names this reading's country unambiguously elsewhere: + base + log2(1 + mentions).
    # One mention already outweighs a namesake town's size advantage.
    anchor_base: float = 2.5
    # A country next to one the story is about: a nudge, not support.
    neighbour_bonus: float = 0.5
    # The story names this reading's first-level province elsewhere ("Gainesville" + "Georgia").
    anchor_subdivision_bonus: float = 3.0
    # "Dublin, Ohio": the container after the comma settles the reading...
    container_fit_bonus: float = 6.0
    # ...and a reading outside that container is unlikely.
    container_misfit_penalty: float = 2.0
    # "Egypt and Niger", "Burkina Faso, Mali, Niger": a name listed with countries is the country
    # (Niger, not Nigeria's Niger State; Mali, not the town in Guinea).
    coordinated_country_bonus: float = 3.0
    # "Prime Minister of Georgia", "Georgia's parliament": a sovereign state's office settles a
    # country name against a province or town of the same name, whatever else the story names.
    state_cue_bonus: float = 8.0
    # "Kandahar province": a cue word after the name says it is the province.
    subdivision_cue_bonus: float = 3.0
    # "Seattle, Washington": a name after "<place>, " is the container, i.e. the state.
    container_subdivision_bonus: float = 4.0
    # "the city of Mosul": the town, not the province of the same name.
    city_cue_bonus: float = 3.0
    # A famous town the story gives no support to, against a namesake in a country the story
    # does support ("Athens" in a story with a Sheriff's Office and Interstate 85).
    namesake_penalty: float = 3.0
    # A country name ("Lebanon", "Palestine") against a town in a province the story names: the
    # country is the usual reading, so it gives way only to that much support.
    country_namesake_penalty: float = 8.0
    # A county or town in several provinces: the biggest is a safe guess only when it is this
    # many times bigger than every other.
    province_guess_ratio: int = 10
    # A big city is evidence for its country on its own ("Paris") only when it is this many
    # times bigger than every namesake abroad.
    dominant_city_ratio: int = 20
    # A city this big is news anywhere: accepted without support, and can anchor its country.
    strong_city_population: int = 500_000
    # Below this a town is small: its name needs the story's support before it tags.
    small_city_population: int = 100_000
    # How much one mention of each kind says about what the story is about (primary country).
    kind_weight: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"country": 1.0, "demonym": 0.7, "capital": 0.8, "place": 0.8, "subdivision": 0.8, "city": 0.6}
        )
    )
    # Weight of a mention whose kind the table lacks.
    kind_weight_default: float = 0.5
    # A story is about the place it opens with: mentions in the first this-many characters...
    lead_chars: int = 400
    # ...count this many times.
    lead_factor: float = 2.0
    # A place after a locative ("in Niamey", "shelled Kharkiv") says where things happen, which
    # outweighs who acts ("Germany closes embassy in Niamey" is about Niger): its mention counts
    # this many times toward the primary country.
    locative_factor: float = 1.5
    # Evidence spans kept per country or subdivision tag: enough to explain, bounded for the wire.
    max_evidence: int = 10


DEFAULT_WEIGHTS = RegionWeights()
