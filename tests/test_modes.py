import pytest

from lstm_course import ModeError, by_mode, mode


@pytest.mark.parametrize("value, expected", [
    ("smoke", "smoke"), ("class", "class"), ("paper", "paper"),
    (" Smoke ", "smoke"), ("", "class"),
])
def test_mode_reads_the_variable(monkeypatch, value, expected):
    monkeypatch.setenv("LSTM_COURSE_MODE", value)
    assert mode() == expected


def test_mode_defaults_to_class(monkeypatch):
    monkeypatch.delenv("LSTM_COURSE_MODE", raising=False)
    assert mode() == "class"


@pytest.mark.parametrize("value", ["fast", "classic", "smoke,class", "1"])
def test_unknown_mode_names_the_value_and_the_valid_ones(monkeypatch, value):
    monkeypatch.setenv("LSTM_COURSE_MODE", value)
    with pytest.raises(ModeError) as info:
        mode()
    message = str(info.value)
    assert repr(value) in message
    for valid in ("smoke", "class", "paper"):
        assert valid in message


def test_by_mode_picks_the_current_setting(monkeypatch):
    for name, expected in (("smoke", 1), ("class", 2), ("paper", 3)):
        monkeypatch.setenv("LSTM_COURSE_MODE", name)
        assert by_mode(smoke=1, class_=2, paper=3) == expected


def test_by_mode_requires_every_mode():
    with pytest.raises(TypeError):
        by_mode(smoke=1, class_=2)


def test_by_mode_rejects_a_bad_mode(monkeypatch):
    monkeypatch.setenv("LSTM_COURSE_MODE", "turbo")
    with pytest.raises(ModeError, match="turbo"):
        by_mode(smoke=1, class_=2, paper=3)
