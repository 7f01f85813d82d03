"""The DCAT-AP 3 catalogue, validated with pyshacl and the official DCAT-AP 3.0.1 shapes."""

from __future__ import annotations

import warnings

import httpx
import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import SHARED_DATA
from tests.opendata.conftest import OpenServer

SHAPES = SHARED_DATA / "standards" / "dcat-ap-3.0.1" / "dcat-ap-SHACL.ttl"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    if not SHAPES.exists():
        pytest.skip(f"{SHAPES} is absent")
    return Graph().parse(SHAPES)


@pytest.fixture(scope="module")
def catalogue(open_server: OpenServer) -> Graph:
    r = httpx.get(open_server.url + "/catalog.ttl", timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=r.text, format="turtle")


def test_live_catalogue_conforms_to_dcat_ap_3(catalogue: Graph, shapes: Graph) -> None:
    conforms, _, text = validate(catalogue, shacl_graph=shapes)
    assert conforms, text
    assert "Conforms: True" in text
    datasets = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) >= 10
    for ds in datasets:
        assert list(catalogue.objects(ds, DCAT.distribution))


def test_the_shapes_catch_a_dataset_without_description(catalogue: Graph, shapes: Graph) -> None:
    broken = Graph()
    for t in catalogue:
        broken.add(t)
    ds = next(iter(broken.subjects(RDF.type, DCAT.Dataset)))
    broken.remove((ds, DCTERMS.description, None))
    conforms, _, text = validate(broken, shacl_graph=shapes)
    assert not conforms and "description" in text


@pytest.mark.parametrize("ext,fmt", [("jsonld", "json-ld"), ("rdf", "xml")])
def test_other_serialisations_hold_the_same_graph(
    open_server: OpenServer, catalogue: Graph, ext: str, fmt: str
) -> None:
    r = httpx.get(f"{open_server.url}/catalog.{ext}", timeout=60)
    assert r.status_code == 200
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated class
        warnings.simplefilter("ignore", DeprecationWarning)
        other = Graph().parse(data=r.text, format=fmt)
    assert set(other.subjects(RDF.type, DCAT.Dataset)) == set(
        catalogue.subjects(RDF.type, DCAT.Dataset)
    )
    assert len(other) == len(catalogue)
