"""The kit `resmodel init` writes has no docs/ folder: each docs page its README and files name says where it is,
the resmodel repository's docs/ folder, and is there (new-user walk, finding 4)."""

import re
from pathlib import Path

import pytest

from resmodel.io.starter import DATA_DICTIONARY, starter_files

ROOT = Path(__file__).resolve().parents[1]
DOCS_PAGE = re.compile(r"docs/[\w/-]+\.md")
#: the kit's own files (the data dictionary is generated from the schema, as docs/data-dictionary.md is)
KIT_TEXTS = {name: content.decode("utf-8") for name, content in starter_files()
             if name.endswith((".md", ".yaml")) and name != DATA_DICTIONARY}


def _prose(text: str) -> str:
    """The text as one line: YAML comments without their '#', line breaks as spaces."""
    return " ".join(line.strip().lstrip("#").strip() for line in text.splitlines())


@pytest.mark.parametrize("name", sorted(name for name, text in KIT_TEXTS.items() if DOCS_PAGE.search(text)))
def test_each_docs_page_the_kit_names_is_said_to_be_in_the_resmodel_repository(name):
    text = _prose(KIT_TEXTS[name])
    for page in DOCS_PAGE.finditer(text):
        assert (ROOT / page.group()).is_file(), page.group()
        sentence = text[max(0, page.start() - 60):page.end() + 60]
        assert "resmodel repository" in sentence, (name, sentence)


def test_the_kit_data_dictionary_says_where_the_docs_pages_it_names_are():
    """The kit's data dictionary names docs/forecasting.md, docs/projection.md …: a line under its title says where."""
    text = dict(starter_files())[DATA_DICTIONARY].decode("utf-8")
    assert DOCS_PAGE.search(text)
    assert text.splitlines()[2].startswith("The `docs/…` pages named below are in the resmodel repository's docs/")
    assert all((ROOT / page.group()).is_file() for page in DOCS_PAGE.finditer(text))


def test_the_kit_readme_names_docs_pages():  # the check above has something to check in the README
    assert DOCS_PAGE.search(KIT_TEXTS["README.md"])
