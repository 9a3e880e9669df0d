"""Text on the page: user text shown as plain text, our own texts with their source keys as links.

Streamlit renders markdown (and ``$…$`` as LaTeX) in most elements, so any text a user supplied (a
scenario's name or description, a chip name, a file name, an error message quoting them) passes ``md``
first, which escapes every markdown and LaTeX character. Our own texts (lever help, catalog sources) go
through ``with_sources``, which escapes them too and then turns ``[K19]`` into a link to the source.
"""

from __future__ import annotations

import re

import streamlit as st

from lib.sources import load_sources

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:@=\"'])")
_ESCAPED_KEY = re.compile(r"\\\[(K[0-9]{1,3}[a-z]?)\\\]")


# GFM turns "http://…", "www.…" and "a@b.c" into links whatever the escapes; an invisible word joiner (U+2060)
# inside each stops it (checked in chromium: no <a> is made).
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")
WORD_JOINER = "\u2060"


def md(text) -> str:
    """Plain text for a markdown element: every markdown, HTML and LaTeX character escaped, no autolinks;
    newlines kept."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(1)[0] + WORD_JOINER + m.group(1)[1:], str(text))
    escaped = _SPECIAL.sub(r"\\\1", unlinked)
    return escaped.replace("\n", "  \n")


def with_sources(text: str) -> str:
    """Our own text with each ``[Kx]`` as a link to its source (unverified links marked)."""
    table = load_sources()

    def link(match):
        key = match.group(1)
        source = table.get(key)
        if source is None:
            return f"\\[{key}\\]"
        mark = "" if source.verified else " (unverified link)"
        url = source.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[\\[{key}\\]]({url} \"{md(source.author)}{mark}\")"

    return _ESCAPED_KEY.sub(link, md(text))


def unverified_note(text: str) -> str:
    return " · unverified figure" if "(mem)" in (text or "") else ""


NOTE_WORDS = 40  # [words] a note on the page; the rest sits behind "Why?"


def lead_and_detail(text: str, words: int = NOTE_WORDS) -> tuple[str, str]:
    """A note cut where its first clause ends, when it runs past ``words``: (what to show, what "Why?" opens).
    The cut falls at the first ': ', '; ' or '. ' after the third word and within the limit; a note with no such
    place stays whole."""
    if len(text.split()) <= words:
        return text, ""
    best = None
    for match in re.finditer(r"(: |; |\. )", text):
        head = text[:match.start()]
        if len(head.split()) > words:
            break
        if len(head.split()) >= 3:
            best = match
            break
    if best is None:
        return text, ""
    lead = text[:best.start()].rstrip(".") + "."
    detail = text[best.end():].strip()
    return lead, detail[:1].upper() + detail[1:]



def whole_sentences(text: str, words: int = NOTE_WORDS) -> tuple[str, str]:
    """Text (plain or escaped for markdown) split after its last whole sentence within ``words``: (lead, rest).
    The first sentence stays in the lead however long; a sentence ends at ". " (or "\\. " once escaped)."""
    sentences = re.split(r"(?<=\.) ", text)
    lead = sentences[:1]
    for sentence in sentences[1:]:
        if len(" ".join([*lead, sentence]).split()) > words:
            break
        lead.append(sentence)
    return " ".join(lead), " ".join(sentences[len(lead):])


def note(lead: str, detail: str = "", key: str = "", render=md, caption: bool = True, label: str = "Why?") -> None:
    """A note on the page: its lead (at most ``NOTE_WORDS`` words, a test reads every view) shown, its detail one
    click away behind "Why?" (or ``label``). ``render`` formats plain text for markdown (``md`` or ``with_sources``)."""
    show = st.caption if caption else st.markdown
    show(render(lead))
    if detail:
        with st.expander(label, key=key or None):
            show(render(detail))
