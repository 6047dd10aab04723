"""Base forms of English words without the lemmatizer: shared by the escalation engine and the
modality resolver (a leaf module, so neither imports the other for it)."""

from __future__ import annotations


def cheap_lemmas(word: str) -> tuple[str, ...]:
    """Candidate base forms of an inflected English word ("threatened" -> "threaten", "denied"
    -> "deny", "planning" -> "plan"): enough to look words up in closed cue lists without the
    rule-based lemmatizer, which costs as much as the parser."""
    w = word.lower()
    out = [w]
    if w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ies"):
        out.append(w[:-3] + "y")
    if w.endswith("ing"):
        out += [w[:-3], w[:-3] + "e", w[:-4]]
    if w.endswith("ed"):
        out += [w[:-2], w[:-1], w[:-3]]
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        out.append(w[:-1])
    return tuple(out)
