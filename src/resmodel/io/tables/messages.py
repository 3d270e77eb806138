"""What every table reader's messages share: where they send a board for the columns (the data dictionary) and
how many problems one list names before it says there are more — kept here so that each reader's module says
them alike."""

MAX_PROBLEMS = 25
#: where a message sends a board for the tables' columns: the installed package has no docs/ folder, the kit has a copy
SEE_DATA_DICTIONARY = ("see data-dictionary.md, which resmodel init writes beside your README, or "
                       "docs/data-dictionary.md in the resmodel repository")
