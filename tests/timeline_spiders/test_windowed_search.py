"""The date windows and paging rules the Parliament spiders share."""

from datetime import date

from timeline_spiders.windowed_search import Paging, Search, Window, yearly_windows

YEAR_2016 = Window(date(2016, 1, 1), date(2016, 12, 31))


def paging() -> Paging:
    return Paging(Search("debates", "pupil nationality", YEAR_2016))


def test_windows_are_calendar_years_up_to_the_last_day():
    assert yearly_windows(date(2015, 6, 3), date(2017, 2, 1)) == [
        Window(date(2015, 6, 3), date(2015, 12, 31)),
        Window(date(2016, 1, 1), date(2016, 12, 31)),
        Window(date(2017, 1, 1), date(2017, 2, 1)),
    ]


def test_a_search_from_today_is_one_window_of_one_day():
    today = date(2026, 11, 24)
    assert yearly_windows(today, today) == [Window(today, today)]


def test_halves_cover_the_window_without_overlap():
    first, second = YEAR_2016.halves(7)
    assert (first.start, second.end) == (YEAR_2016.start, YEAR_2016.end)
    assert (second.start - first.end).days == 1


def test_a_window_shorter_than_two_shortest_windows_is_not_split():
    assert Window(date(2016, 1, 1), date(2016, 1, 13)).halves(7) is None
    assert Window(date(2016, 1, 1), date(2016, 1, 14)).halves(7) is not None


def test_paging_moves_on_by_what_a_page_held_not_the_size_asked_for():
    state = paging()
    assert state.next_skip(["a", "b"], 2, 5) == 2
    assert state.next_skip(["c", "d"], 2, 5) == 4
    assert state.next_skip(["e"], 1, 5) is None  # the total is in hand
    assert not state.short


def test_paging_stops_on_an_empty_page_and_remembers_the_largest_total():
    state = paging()
    assert state.next_skip(["a", "b"], 2, 7) == 2
    assert state.next_skip([], 0, 0) is None
    assert state.total == 7
    assert state.short


def test_paging_stops_on_a_page_it_has_seen_already():
    state = paging()
    assert state.next_skip(["a", "b"], 2, 9) == 2
    assert state.next_skip(["b", "a"], 2, 9) is None
    assert state.short


def test_paging_without_a_total_goes_on_until_an_empty_page():
    state = paging()
    assert state.next_skip(["a"], 1, None) == 1
    assert state.next_skip([], 0, None) is None
    assert not state.short
