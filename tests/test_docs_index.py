"""docs/README.md, the pages by what a user wants to do (two walks started from an index that did not exist), links
every page of docs/ and nothing that is not there."""

from __future__ import annotations

import re

from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_the_docs_index_links_every_page_and_only_pages_that_exist():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\]\(([^)#]+)", index))
    for target in targets:
        assert (DOCS / target).exists(), target
    pages = {p.name for p in DOCS.glob("*.md") if p.name != "README.md"} | {"scenario.schema.json"}
    linked = {t for t in targets if "/" not in t}
    assert pages <= linked, sorted(pages - linked)
