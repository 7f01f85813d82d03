"""The SensorThings ``$filter`` parser and its translation to database conditions (pure)."""

from __future__ import annotations

import pytest

from paknam.api.sensorthings.filter import (
    Call,
    FilterError,
    Geo,
    Lit,
    Neg,
    Not,
    Op,
    Path,
    Time,
    parse_filter,
)
from paknam.api.sensorthings.model import Graph, observation_id, split_observation_id
from paknam.api.sensorthings.options import OptionError, parse_options
from paknam.api.sensorthings.sql import to_cond, to_order


def test_precedence_and_associativity() -> None:
    tree = parse_filter("a eq 1 or b eq 2 and not c gt 3 add 4 mul 5")
    assert tree == Op(
        "or",
        Op("eq", Path(("a",)), Lit(1)),
        Op(
            "and",
            Op("eq", Path(("b",)), Lit(2)),
            Not(Op("gt", Path(("c",)), Op("add", Lit(3), Op("mul", Lit(4), Lit(5))))),
        ),
    )
    assert parse_filter("1 sub 2 sub 3") == Op("sub", Op("sub", Lit(1), Lit(2)), Lit(3))


def test_literals_paths_and_functions() -> None:
    assert parse_filter("name eq 'O''Brien'") == Op("eq", Path(("name",)), Lit("O'Brien"))
    assert parse_filter("x eq -1.5e2") == Op("eq", Path(("x",)), Neg(Lit(150.0)))
    assert parse_filter("x eq null or y eq true") == Op(
        "or", Op("eq", Path(("x",)), Lit(None)), Op("eq", Path(("y",)), Lit(True))
    )
    t = parse_filter("phenomenonTime ge 2025-01-01T07:00:00+07:00")
    assert t == Op("ge", Path(("phenomenonTime",)), Lit(Time(1735689600.0)))
    # a '+' that a query string turned into a space, and Z, and a date
    assert parse_filter("t ge 2025-01-01T07:00:00 07:00") == t.__class__(
        "ge", Path(("t",)), Lit(Time(1735689600.0))
    )
    assert parse_filter("t lt 2025-01-01T00:00:00Z").right == Lit(Time(1735689600.0))
    assert parse_filter("t lt 2025-01-01").right == Lit(Time(1735689600.0))
    g = parse_filter("geo.intersects(location, geography'POINT(100.6 13.6)')")
    assert g == Call("geo.intersects", (Path(("location",)), Lit(Geo("POINT(100.6 13.6)"))))
    assert parse_filter("Datastream/ObservedProperty/@iot.id eq 'pm25'").left == Path(
        ("Datastream", "ObservedProperty", "@iot.id")
    )


@pytest.mark.parametrize(
    "text",
    ["", "name eq", "name eq 'x", "(a eq 1", "a eq 1)", "frob(a)", "length(a, b)", "a eq #",
     "t gt 2025-13-45T00:00:00Z", "(" * 60 + "a" + ")" * 60, "not " * 60 + "a",
     "/".join(["Datastreams", "Thing"] * 5) + "/id eq 'x'"],
)  # fmt: skip
def test_unreadable_filters_raise_filter_error(text: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(text)


G = Graph()


def _cond(text: str) -> object:
    return to_cond(parse_filter(text), G, [1, 2])


def test_observation_filters_become_conditions_on_time_and_value() -> None:
    assert _cond("result add 1 gt 5") == ("cmp", "gt", "value", 4.0)
    assert _cond("result mul -2 gt 10") == ("cmp", "lt", "value", -5.0)
    assert _cond("20 sub result ge 9") == ("cmp", "le", "value", 11.0)
    assert _cond("result div 4 eq 2") == ("cmp", "eq", "value", 8.0)
    assert _cond("phenomenonTime ge 2025-01-01T00:00:00Z and not (result lt 0)") == (
        "and",
        ("cmp", "ge", "time", 1735689600),
        ("not", ("cmp", "lt", "value", 0.0)),
    )
    # fractions of a second against whole-second times
    half = "2025-01-01T00:00:00.5Z"
    assert _cond(f"resultTime gt {half}") == ("cmp", "gt", "time", 1735689600)
    assert _cond(f"resultTime ge {half}") == ("cmp", "ge", "time", 1735689601)
    assert _cond(f"resultTime lt {half}") == ("cmp", "lt", "time", 1735689601)
    assert _cond(f"resultTime le {half}") == ("cmp", "le", "time", 1735689600)
    assert _cond(f"resultTime eq {half}") == ("false",)
    assert _cond("result eq null") == ("false",)
    assert _cond("result ne null") == ("true",)
    assert _cond("result sub result eq 0") == ("true",)
    # no column named: evaluated per series (the empty graph has none of them)
    assert _cond("1 eq 1") == ("series", [1, 2])
    assert _cond("1 eq 2") == ("series", [])


@pytest.mark.parametrize(
    "text",
    ["result gt phenomenonTime", "result mul result gt 1", "year(phenomenonTime) eq 2025",
     "result gt 2025-01-01T00:00:00Z", "phenomenonTime gt 5", "result div 0 gt 1",
     "result", "id eq 5", "-phenomenonTime lt 2025-01-01T00:00:00Z"],
)  # fmt: skip
def test_observation_filters_not_offered(text: str) -> None:
    with pytest.raises(FilterError):
        _cond(text)


def test_orderby_and_ids() -> None:
    assert to_order([(Path(("phenomenonTime",)), True)]) == [("time", True), ("series", False)]
    assert to_order([(Path(("id",)), False)]) == [("series", False), ("time", False)]
    with pytest.raises(FilterError):
        to_order([(Path(("Datastream", "name")), False)])
    for sid, t in ((1, 0), (5, 1_735_689_600), (89_999, -5_364_662_400), (3, 9_999_999_999)):
        assert split_observation_id(observation_id(sid, t)) == (sid, t)
        assert observation_id(sid, t) < 2**53


def test_options_nest_and_name_the_bad_one() -> None:
    opts = parse_options(
        {"$expand": "Datastreams($top=3;$expand=ObservedProperty,Observations($top=1)),Locations",
         "$select": "id,name", "$count": "true", "foo": "ignored"},
        "Things",
    )  # fmt: skip
    assert set(opts.expand) == {"Datastreams", "Locations"}
    assert opts.expand["Datastreams"].top == 3
    assert opts.expand["Datastreams"].expand["Observations"].top == 1
    assert opts.select == ["id", "name"] and opts.count
    path = parse_options({"$expand": "Datastreams/Thing/Locations"}, "Things")
    assert "Locations" in path.expand["Datastreams"].expand["Thing"].expand
    deep = "Datastreams/Thing/Datastreams/Thing/Datastreams/Thing/Datastreams"
    for params, option in (
        ({"$expand": deep}, "$expand"),
        ({"$select": "name,(x"}, "$select"),
        ({"$orderby": "name sideways"}, "$orderby"),
        ({"$top": "1e3"}, "$top"),
    ):
        with pytest.raises(OptionError) as err:
            parse_options(params, "Things")
        assert err.value.option == option
