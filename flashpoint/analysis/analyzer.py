"""The analysis core: one article in, one :class:`Analysis` out.

Runs the same in a Faust agent, ``flashpoint analyze``, the evaluations and the benchmarks. It
reads no clock (``now`` is passed in) and no environment (settings are passed in).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime

from flashpoint.analysis.escalation import EscalationEngine
from flashpoint.analysis.limits import MAX_TEXT_CHARS, SOURCE_PROFILE_MIN_ARTICLES
from flashpoint.analysis.models import Analysis, RawArticle
from flashpoint.analysis.multilingual.analysis import analyze_other_language, route
from flashpoint.analysis.multilingual.pack import Multilingual
from flashpoint.analysis.nlp import DEFAULT_MODEL, load_model
from flashpoint.analysis.regions import RegionTagger
from flashpoint.analysis.severity import event_country, score_article
from flashpoint.analysis.sources import SourceProfiles, source_key
from flashpoint.analysis.text import clean_article, require_language, title_from_text
from flashpoint.analysis.topics import TopicTagger


@dataclass
class Analyzer:
    """Holds the loaded taggers (expensive to build, cheap to call)."""

    regions: RegionTagger
    topics: TopicTagger
    escalation: EscalationEngine
    max_text_chars: int = MAX_TEXT_CHARS
    # each publisher's home, learned from its stories (None: every story is read on its own)
    sources: SourceProfiles | None = field(default_factory=SourceProfiles)
    # es, fr, ru, uk and ar, each loaded the first time a story in it arrives
    multilingual: Multilingual | None = None

    @classmethod
    def load(
        cls,
        model_name: str = DEFAULT_MODEL,
        *,
        max_text_chars: int = MAX_TEXT_CHARS,
        source_profiles: bool = True,
        source_profile_min_articles: int = SOURCE_PROFILE_MIN_ARTICLES,
    ) -> Analyzer:
        nlp = load_model(model_name)
        return cls(
            regions=RegionTagger(nlp),
            topics=TopicTagger(),
            escalation=EscalationEngine(nlp),
            max_text_chars=max_text_chars,
            sources=SourceProfiles(min_articles=source_profile_min_articles) if source_profiles else None,
        )

    def analyze(self, article: RawArticle, now: datetime) -> Analysis:
        """Raises :class:`~flashpoint.errors.InvalidArticleError` (``not_language``) for text
        that is not language; the caller dead-letters or reports it."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        text = clean_article(article, max_chars=self.max_text_chars)
        require_language(text)  # junk would be tagged from byte pairs ("Ra", "Ba" -> Fiji)
        guess = route(article, text, self.regions.knowledge.ordinary_word)
        t1 = time.perf_counter()
        key = source_key(article.url, article.source) if self.sources is not None else None
        if guess.language != "en":
            if self.multilingual is None:
                self.multilingual = Multilingual(self.regions.knowledge)
            timings["cleaning"] = t1 - t0
            analysis, other_regions = analyze_other_language(self.multilingual, article, text, guess, now, timings)
            if self.sources is not None:
                self.sources.observe(key, other_regions)
            return analysis
        profile = self.sources.profile(key) if self.sources is not None else None
        regions = self.regions.tag(text, profile=profile)
        if self.sources is not None:
            self.sources.observe(key, regions)
        t2 = time.perf_counter()
        topics = self.topics.tag(text, title=article.title)
        t3 = time.perf_counter()
        signals = self.escalation.detect(text, regions, article.published_at)
        t4 = time.perf_counter()
        severity, reason = score_article(signals)
        # the story's country is where its events happen, not who acts ("Germany closes embassy
        # in Niamey" is NE); alerts are routed by it
        where = event_country(signals)
        if where is not None and where != regions.primary_country:
            regions = replace(regions, primary_country=where)
        timings.update(
            cleaning=t1 - t0,
            regions=t2 - t1,
            topics=t3 - t2,
            escalation=t4 - t3,
        )
        return Analysis(
            id=article.id,
            title=article.title or (title_from_text(text) if article.text else None),
            url=article.url,
            source=article.source,
            published_at=article.published_at,
            analyzed_at=now,
            cleaned_text=text,
            regions=regions,
            topics=topics,
            signals=signals,
            severity=severity,
            severity_reason=reason,
            language=guess.language,
            script=guess.script,
            stage_seconds=timings,
        )
