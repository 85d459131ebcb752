from pathlib import Path

from shared.settings import documentation_table

README = Path(__file__).parents[2] / "README.md"


def test_readme_lists_every_setting_as_the_code_defines_it():
    # Regenerate with: complaintdesk settings
    assert documentation_table() in README.read_text(encoding="utf-8")
