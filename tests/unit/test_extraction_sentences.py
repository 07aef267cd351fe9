"""Sentences keep their offsets and survive abbreviations and wrapped wire copy."""

from __future__ import annotations

from newsline.extraction.pack import load_pack
from newsline.extraction.sentences import split_sentences


def test_offsets_slice_the_article():
    text = "M. Gates a rencontré Nouri al-Maliki. Il est reparti vendredi.\n\nFin."
    sentences = split_sentences(text, load_pack("fr").abbreviations)
    assert [s.text for s in sentences] == [
        "M. Gates a rencontré Nouri al-Maliki.",
        "Il est reparti vendredi.",
        "Fin.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_english_abbreviations_and_wrapped_lines():
    text = (
        "U.S. Treasury\nSecretary James Baker met Mr. Stoltenberg on Oct. 19 in Frankfurt. "
        "Robert M. Gates said so."
    )
    sentences = split_sentences(text, load_pack("en").abbreviations)
    assert len(sentences) == 2
    assert sentences[1].text == "Robert M. Gates said so."
