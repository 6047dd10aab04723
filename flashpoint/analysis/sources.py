"""Where a publisher is: learned from the stories it files, so its local names resolve at home.

A local paper never writes "Alexandria, Louisiana": its readers know. The same word in an Egyptian
or a Virginian paper means another town. Lieberman, Samet and Sankaranarayanan built the LGL corpus
to show this ("local lexicons"), and every analyst reading a local paper does it without thinking.
flashpoint does it the same way:

* :func:`source_key` names the publisher: the host of the article URL without ``www.``/``m.``
  (``thetowntalk.com``), else the ``source`` field.
* :class:`SourceProfiles` counts, per publisher, the primary country and the first-level
  subdivisions the region tagger found in its earlier stories. Once a publisher has filed
  ``min_articles`` stories and one country leads clearly, :meth:`SourceProfiles.profile` returns a
  :class:`SourceProfile`: its home country and its home subdivisions (those in a good share of
  its stories). Wire agencies and world desks never get one, because no country leads.
* The tagger (:meth:`flashpoint.analysis.regions.RegionTagger.resolve`) takes the profile as weak evidence:
  one mention's worth for the home country and a smaller lift than a story's own mention for home
  subdivisions. It breaks ties between namesakes and never tags a place by itself.

A country-code domain (``.co.uk``, ``.ca``) gives the country before any story is seen
(:func:`country_from_domain`). Nothing here is hand-typed per publisher, and the profile is
learned from the tagger's own output, with no labels. The table is bounded (least recently seen
publishers are dropped) and each worker learns its own: with articles spread over partitions every
worker sees every busy publisher soon enough.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from flashpoint.analysis.limits import SOURCE_PROFILE_MIN_ARTICLES
from flashpoint.analysis.models import RegionTags, SourceProfile

__all__ = ["SourceProfile", "SourceProfiles", "country_from_domain", "source_key"]

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# second-level labels under which a country-code domain registers names ("co.uk", "com.au")
_GENERIC_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "gob", "go", "or", "ne"})


def source_key(url: str | None, source: str | None = None) -> str | None:
    """The publisher an article comes from: the URL's host without ``www.``, else ``source``."""
    if url:
        try:
            host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
        except ValueError:
            host = ""
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix):
                host = host[len(prefix) :]
        if host:
            return host
    if source and source.strip():
        return source.strip().lower()
    return None


@lru_cache(maxsize=4096)
def country_from_domain(domain: str | None) -> str | None:
    """The publisher's country from a country-code top-level domain (``co.uk`` -> GB, ``lfpress.ca``
    -> CA); ``None`` for ``.com``, ``.org`` and the like, which say nothing about the country."""
    if not domain or "." not in domain:
        return None
    import pycountry

    tld = domain.rsplit(".", 1)[-1].upper()
    if tld == "UK":
        return "GB"
    if len(tld) == 2 and pycountry.countries.get(alpha_2=tld) is not None:
        # ".tv", ".io", ".me", ".ly" are sold worldwide: read only names registered under the
        # country's own second level ("co.tv") or short names are not taken as a country
        return tld if tld not in _VANITY_TLDS else None
    return None


# country codes sold as generic names; a site under them is no evidence of where it is
_VANITY_TLDS = frozenset({"TV", "IO", "ME", "LY", "CO", "FM", "AI", "GG", "AM", "TO", "WS", "CC", "NU", "SH", "AC"})


@dataclass(slots=True)
class _Counts:
    articles: int = 0
    countries: Counter[str] = field(default_factory=Counter)
    subdivisions: Counter[str] = field(default_factory=Counter)

    def add(self, tags: RegionTags, sign: int = 1) -> None:
        self.articles += sign
        if tags.primary_country:
            self.countries[tags.primary_country] += sign
        # sorted: Counter.most_common breaks ties by insertion order, and a set's order changes
        # with the hash seed (the online-homes figure moved between runs)
        for code in sorted({s.code for s in tags.subdivisions}):
            self.subdivisions[code] += sign

    def to_fields(self) -> dict[str, int]:
        """Flat counters, as kept in a Redis hash: ``articles``, ``c:<country>``, ``s:<subdivision>``."""
        out = {"articles": self.articles}
        out.update({f"c:{cc}": n for cc, n in self.countries.items() if n})
        out.update({f"s:{code}": n for code, n in self.subdivisions.items() if n})
        return out

    @classmethod
    def from_fields(cls, fields: Mapping[str, int | str]) -> _Counts:
        counts = cls()
        for name, value in fields.items():
            n = int(value)
            if name == "articles":
                counts.articles = n
            elif name.startswith("c:"):
                counts.countries[name[2:]] = n
            elif name.startswith("s:"):
                counts.subdivisions[name[2:]] = n
        return counts

    def plus(self, other: _Counts) -> _Counts:
        return _Counts(
            self.articles + other.articles,
            self.countries + other.countries,
            self.subdivisions + other.subdivisions,
        )


class SourceProfiles:
    """Learns each publisher's home from the region tags of the stories it files.

    ``min_articles``: stories seen before a profile is given. ``country_share``: the share of those
    stories whose primary country must be the same for it to count as home. ``subdivision_share``:
    the share of stories that must name a subdivision (of the home country) for it to count.
    ``max_sources``: publishers remembered, least recently seen dropped first."""

    def __init__(
        self,
        *,
        min_articles: int = SOURCE_PROFILE_MIN_ARTICLES,
        country_share: float = 0.5,
        subdivision_share: float = 0.25,
        max_subdivisions: int = 3,
        max_sources: int = 20_000,
    ) -> None:
        self.min_articles = min_articles
        self.country_share = country_share
        self.subdivision_share = subdivision_share
        self.max_subdivisions = max_subdivisions
        self.max_sources = max_sources
        self._counts: OrderedDict[str, _Counts] = OrderedDict()
        # stories counted here and not yet shared (see drain / replace_totals); the worker counts
        # in its analysis thread and shares from the event loop, hence the lock
        self._pending: dict[str, _Counts] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._counts)

    def _slot(self, key: str) -> _Counts:
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = _Counts()
            while len(self._counts) > self.max_sources:
                dropped, _ = self._counts.popitem(last=False)
                self._pending.pop(dropped, None)
        else:
            self._counts.move_to_end(key)
        return counts

    def observe(self, key: str | None, tags: RegionTags) -> None:
        """Count one story of publisher ``key``: its primary country and the subdivisions named."""
        if not key:
            return
        with self._lock:
            self._slot(key).add(tags)
            self._pending.setdefault(key, _Counts()).add(tags)

    def forget(self, key: str | None, tags: RegionTags) -> None:
        """Undo :meth:`observe` for one story (for leave-one-out evaluation)."""
        with self._lock:
            counts = self._counts.get(key or "")
            if counts is None:
                return
            counts.add(tags, -1)
            pending = self._pending.get(key or "")
            if pending is not None:
                pending.add(tags, -1)

    # --- sharing with other workers (flashpoint.service.sinks.publisher_homes) ---------------------

    def drain(self) -> dict[str, dict[str, int]]:
        """The counts observed since the last drain, per publisher, as flat fields; cleared here."""
        with self._lock:
            pending, self._pending = self._pending, {}
        return {key: counts.to_fields() for key, counts in pending.items() if counts.articles}

    def recent(self, limit: int) -> list[str]:
        """The ``limit`` publishers seen most recently, newest first."""
        with self._lock:
            keys = list(reversed(self._counts))
        return keys[:limit]

    def restore(self, deltas: Mapping[str, Mapping[str, int]]) -> None:
        """Put drained counts back (the shared store could not take them)."""
        with self._lock:
            for key, fields in deltas.items():
                pending = self._pending.get(key)
                delta = _Counts.from_fields(fields)
                self._pending[key] = delta if pending is None else pending.plus(delta)

    def replace_totals(self, totals: Mapping[str, Mapping[str, int | str]]) -> None:
        """Adopt the shared totals of each publisher (every worker's stories, this one's included),
        plus what this worker has counted since its last drain."""
        with self._lock:
            for key, fields in totals.items():
                if not fields:
                    continue
                shared = _Counts.from_fields(fields)
                pending = self._pending.get(key)
                self._slot(key)
                self._counts[key] = shared if pending is None else shared.plus(pending)

    def profile(self, key: str | None) -> SourceProfile | None:
        """The publisher's home, once it has filed enough stories (else its ccTLD country, if any)."""
        if not key:
            return None
        domain_country = country_from_domain(key)
        with self._lock:
            counts = self._counts.get(key)
            counts = None if counts is None else counts.plus(_Counts())  # a copy, read without the lock
        if counts is None or counts.articles < self.min_articles:
            return SourceProfile(key, domain_country) if domain_country else None
        country: str | None = None
        country_n = 0
        if counts.countries:
            top, country_n = counts.countries.most_common(1)[0]
            if country_n > 0 and country_n >= self.country_share * counts.articles:
                country = top
        if counts.subdivisions:
            # a province named in most of a paper's stories is its home even when a namesake
            # country leads some of them (the Lebanon Daily News, Pennsylvania, and "Lebanon")
            sub, sub_n = counts.subdivisions.most_common(1)[0]
            if sub_n > self.country_share * counts.articles and sub_n > country_n:
                country = sub.split("-")[0]
        country = country or domain_country
        if country is None:
            return None
        subs = tuple(
            code
            for code, n in counts.subdivisions.most_common()
            if code.startswith(country + "-") and n > 0 and n >= self.subdivision_share * counts.articles
        )[: self.max_subdivisions]
        return SourceProfile(key, country, subs, counts.articles)
