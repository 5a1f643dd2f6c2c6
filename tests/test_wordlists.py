from backend.wordlists import load_wordlists


def test_defaults_present():
    lists = load_wordlists()
    assert "essential" in [w.lower() for w in lists.get("profanity")]
    assert "substantially" in [w.lower() for w in lists.get("relative_terms")]


def test_firm_directory_extends_and_removes(tmp_path):
    (tmp_path / "relative_terms.txt").write_text("# firm additions\nroughly\n-substantially\n", encoding="utf-8")
    (tmp_path / "house_terms.txt").write_text("widgetry\n", encoding="utf-8")
    lists = load_wordlists(tmp_path)
    terms = [w.lower() for w in lists.get("relative_terms")]
    assert "roughly" in terms and "substantially" not in terms
    assert lists.get("house_terms") == ("widgetry",)
    # the defaults are untouched for other callers
    assert "substantially" in [w.lower() for w in load_wordlists().get("relative_terms")]
